/* squeal: entry point and command dispatch. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "src/cli/cli.h"
#include "src/io/output_file.h"

/* A signal that would end the process first removes the temporary files of outputs not yet
 * complete, then ends it as the signal would have (the parent sees the real cause). answer,
 * call and modem catch SIGINT and SIGTERM themselves, to hang up cleanly. */
static void on_fatal_signal(int sig)
{
    output_files_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void remove_temporaries_on_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
}

static void usage(FILE *out)
{
    fputs("usage: squeal COMMAND [options]\n"
          "\n"
          "Commands:\n"
          "  gen SIGNAL -o FILE.wav   generate a tone, FSK data, or a handshake sequence\n"
          "  decode FILE              print a timeline of the tones and data in an audio file\n"
          "  sim                      a whole call between two squeal modems on a simulated line\n"
          "  answer                   answer a call in real time (sound card, raw stream or WAV)\n"
          "  call                     place a call in real time\n"
          "  modem                    a Hayes AT modem on a pty, TCP or stdin/stdout\n"
          "  devices                  list the sound devices\n"
          "  demo                     play a whole call through the speakers, phase by phase\n"
          "\n"
          "Options:\n"
          "  -h, --help               this help; 'squeal COMMAND --help' for a command\n"
          "  -V, --version            print the version\n"
          "\n"
          "Exit status: 0 success, 1 runtime or input failure, 2 usage error (answer and call\n"
          "add 3 and 4, see squeal(1)).\n"
          "See squeal(1).\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_error(NULL, "which command? (see 'squeal --help')");
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    remove_temporaries_on_signals();
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(cmd, "-V") == 0 || strcmp(cmd, "--version") == 0) {
        printf("squeal %s\n", sq_version());
        return EXIT_OK;
    }
    if (strcmp(cmd, "gen") == 0)
        return cmd_gen(argc - 1, argv + 1);
    if (strcmp(cmd, "decode") == 0)
        return cmd_decode(argc - 1, argv + 1);
    if (strcmp(cmd, "sim") == 0)
        return cmd_sim(argc - 1, argv + 1);
    if (strcmp(cmd, "answer") == 0)
        return cmd_answer(argc - 1, argv + 1);
    if (strcmp(cmd, "call") == 0)
        return cmd_call(argc - 1, argv + 1);
    if (strcmp(cmd, "modem") == 0)
        return cmd_modem(argc - 1, argv + 1);
    if (strcmp(cmd, "devices") == 0)
        return cmd_devices(argc - 1, argv + 1);
    if (strcmp(cmd, "demo") == 0)
        return cmd_demo(argc - 1, argv + 1);
    if (cmd[0] == '-')
        cli_error(NULL, "unknown option '%s' (see 'squeal --help')", cmd);
    else
        cli_error(NULL, "unknown command '%s' (see 'squeal --help')", cmd);
    return EXIT_USAGE;
}
