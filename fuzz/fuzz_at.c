/* libFuzzer: what a DTE can type at squeal modem: the input is the DTE's bytes, given in
 * pieces (the first byte sets their size) between 20 ms blocks of a quiet line, with DTR
 * dropped and raised now and then; and each line of it given to the command set alone. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "src/modem/at_modem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    at_modem_config cfg;
    memset(&cfg, 0, sizeof cfg);
    sq_call_default_settings(SQ_ROLE_CALLER, &cfg.call);
    cfg.call.v8.lapm = 1;
    at_settings_factory(&cfg.profile);
    cfg.line_info = "fuzz";
    at_modem *m = NULL;
    if (at_modem_create(&cfg, &m) != 0)
        return 0;
    size_t piece = 1 + data[0] % 64;
    float rx[160] = { 0 }, tx[160];
    uint8_t out[4096];
    double t = 0.0;
    for (size_t off = 1; off < size; off += piece) {
        size_t n = size - off < piece ? size - off : piece;
        size_t taken = 0;
        for (int tries = 0; taken < n && tries < 4; tries++)
            taken += at_modem_from_dte(m, data + off + taken, n - taken, t);
        at_modem_process(m, rx, tx, 160, t);
        t += 0.02 * (1 + data[off] % 100);   /* sometimes past the escape's guard time */
        if (data[off] == 0xFF)
            at_modem_set_dtr(m, 0, t);
        else
            at_modem_set_dtr(m, 1, t);
        while (at_modem_to_dte(m, out, sizeof out) > 0)
            ;
        char log[256];
        double lt;
        while (at_modem_next_log(m, log, sizeof log, &lt) == 0)
            ;
    }
    at_modem_destroy(m);

    char *line = malloc(size + 1);
    if (line) {
        memcpy(line, data, size);
        line[size] = '\0';
        at_settings s;
        at_settings_factory(&s);
        at_result r;
        at_execute(&s, line, "fuzz", &r);
        free(line);
    }
    return 0;
}
