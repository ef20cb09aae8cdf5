/* squeal devices: the sound devices PortAudio sees, for --audio pa:NAME|INDEX. */
#include <stdio.h>
#include <string.h>
#include "src/cli/cli.h"
#include "src/io/audio_link.h"

#define MAX_DEVICES 256

int cmd_devices(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        puts("usage: squeal devices\n\nLists the sound devices PortAudio sees: index, input and output channels,\n"
             "default rate, host API and name. '*' marks the default input and output.");
        return EXIT_OK;
    }
    if (argc > 1) {
        cli_error("devices", "unexpected argument '%s'", argv[1]);
        return EXIT_USAGE;
    }
    static audio_device_info list[MAX_DEVICES];
    char err[256] = "";
    int n = audio_devices_list(list, MAX_DEVICES, err, sizeof err);
    if (n < 0) {
        cli_error("devices", "%s", err);
        return EXIT_RUNTIME;
    }
    if (n == 0) {
        cli_error("devices", "no sound devices found: start a sound server (tools/loopback.sh starts "
                             "PulseAudio with two null sinks) or attach a sound card");
        return EXIT_RUNTIME;
    }
    printf("index  in  out  rate     api    name\n");
    for (int i = 0; i < n && i < MAX_DEVICES; i++)
        printf("%5d %3d%c %3d%c %6.0f  %-6s %s\n", list[i].index, list[i].max_input_channels,
               list[i].is_default_input ? '*' : ' ', list[i].max_output_channels,
               list[i].is_default_output ? '*' : ' ', list[i].default_rate_hz, list[i].host_api, list[i].name);
    return EXIT_OK;
}
