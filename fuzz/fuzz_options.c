/* libFuzzer: what the command line hands the parsers: mode lists, numbers, framing, line
 * specs: the input as one string, given to each. The parsers print their errors on stderr,
 * which fuzz/run.sh closes for this harness (-close_fd_mask=2). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/cli.h"
#include "src/io/audio_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    uint32_t modes = 0;
    double d = 0;
    long l = 0;
    sq_async_format f = SQ_ASYNC_8N1;
    sq_v8_settings v8;
    sq_v8_default_settings(SQ_ROLE_CALLER, &v8);
    char in[1024], out[1024];
    (void)sq_v8_mods_from_str(s, &modes);
    (void)cli_parse_modes("fuzz", "--modes", s, &modes);
    (void)cli_parse_double("fuzz", "--snr", s, -10, 60, &d);
    (void)cli_parse_long("fuzz", "--seed", s, 0, 1000000, &l);
    (void)cli_parse_framing("fuzz", CLI_OPT_DATA_BITS + (int)(size % 3), s, &f);
    (void)cli_parse_answer_tone("fuzz", s, &v8);
    (void)cli_parse_call_signal("fuzz", s, &v8);
    (void)cli_parse_error_control("fuzz", s, &v8);
    (void)audio_link_split_pair(s, in, out, sizeof in);
    free(s);
    return 0;
}
