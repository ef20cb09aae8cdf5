/* squeal demo: a whole call (answer tone, V.8, training, some data both ways) played through
 * the speakers as a listener on the line would hear it, each phase printed as it sounds.
 * The call is run first on the simulated line, then played back in real time. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "src/cli/cli.h"
#include "src/cli/decoded_plot.h"
#include "src/sim/sim_call.h"
#include "src/cli/term_waterfall.h"
#include "src/plot/call_page.h"
#include "src/io/audio_link.h"

#define BLOCK 160

typedef struct demo_opts {
    sim_call_params line;
    const char *audio, *wav, *text[2];
    const char *plot, *html;          /* offline outputs, as --wav: nothing is played */
    int stereo, show;
    audio_link_opts link;
} demo_opts;

static void demo_usage(FILE *out)
{
    fputs("usage: squeal demo [options]\n"
          "\n"
          "Plays a whole modem call through the speakers in real time, both sides as a listener\n"
          "on the line hears them (answer tone, V.8, training, data both ways), and prints each\n"
          "phase as it sounds.\n"
          "\n"
          "  --wav FILE             write the call's audio to FILE instead of playing it\n"
          "  --stereo               with --wav: the caller left, the answerer right, not the mix\n"
          "  --plot PICTURE         draw the call instead of playing it (.png, .svg or .pdf)\n"
          "  --html PAGE            write a page to hear and see the call instead of playing it\n"
          "  --show                 on a terminal, draw the line's spectrum as it sounds (a\n"
          "                         waterfall, 0-4000 Hz across) with each phase beside it\n"
          "  --audio SPEC           where to play: pa (default output) or pa:NAME|INDEX\n"
          "  --latency MS           sound-card buffer, 10..2000 (default 250)\n"
          "  --modes LIST           what both modems offer, e.g. v21 or v22bis,v21 (default all)\n"
          "  --snr DB               white noise on the line, SNR over 0-4 kHz (default none)\n"
          "  --seed N               noise seed (default 1)\n"
          "  --text T, --text-back T   what the caller and the answerer send\n", out);
}

static int parse_demo(int argc, char **argv, demo_opts *o)
{
    static const struct option opts[] = {
        { "help", no_argument, 0, 'h' }, { "wav", required_argument, 0, 'w' },
        { "audio", required_argument, 0, 'a' }, { "latency", required_argument, 0, 'L' },
        { "modes", required_argument, 0, 'm' }, { "snr", required_argument, 0, 's' },
        { "seed", required_argument, 0, 'S' }, { "text", required_argument, 0, 't' },
        { "text-back", required_argument, 0, 'b' }, { "stereo", no_argument, 0, '2' },
        { "plot", required_argument, 0, 'p' }, { "html", required_argument, 0, 'H' },
        { "show", no_argument, 0, 'v' }, { 0, 0, 0, 0 },
    };
    int c, bad = 0;
    uint32_t modes = 0;
    opterr = 0;
    optind = 1;
    while (!bad && (c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'h': demo_usage(stdout); exit(EXIT_OK);
        case 'w': o->wav = optarg; break;
        case 'p':
            o->plot = optarg;
            if (!call_plot_format_known(optarg))
                bad = (cli_error("demo", "--plot '%s': the picture's name must end in .png, .svg or .pdf", optarg), 1);
            break;
        case 'H':
            o->html = optarg;
            if (!call_page_format_known(optarg))
                bad = (cli_error("demo", "--html '%s': the page's name must end in .html", optarg), 1);
            break;
        case '2': o->stereo = 1; break;
        case 'v': o->show = 1; break;
        case 'a': o->audio = optarg; break;
        case 'L': bad = cli_parse_double("demo", "--latency", optarg, 10, 2000, &o->link.latency_ms); break;
        case 's': bad = cli_parse_double("demo", "--snr", optarg, -10, 100, &o->line.snr); break;
        case 'S': bad = cli_parse_long("demo", "--seed", optarg, 0, 2147483647L, &o->line.seed); break;
        case 't': o->text[0] = optarg; break;
        case 'b': o->text[1] = optarg; break;
        case 'm':
            bad = cli_parse_runnable_modes("demo", "--modes", optarg, &modes);
            o->line.side[0].v8.modes = o->line.side[1].v8.modes = modes;
            break;
        case ':': return cli_bad_option("demo", argv[optind - 1], 1);
        default: return cli_bad_option("demo", argv[optind - 1], 0);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind != argc) {
        cli_error("demo", "unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    if (o->stereo && !o->wav) {
        cli_error("demo", "--stereo is for --wav (a sound card hears the line as one)");
        return EXIT_USAGE;
    }
    if (o->show && (o->wav || o->plot || o->html)) {
        cli_error("demo", "--show draws the call as it plays; with --wav, --plot or --html nothing is played");
        return EXIT_USAGE;
    }
    if (strncmp(o->audio, "pa", 2) != 0 || (o->audio[2] != '\0' && o->audio[2] != ':')) {
        cli_error("demo", "--audio plays through a sound device: pa or pa:NAME|INDEX, not '%s'", o->audio);
        return EXIT_USAGE;
    }
    const char *outputs[] = { o->wav, o->plot, o->html };
    int files = cli_check_files("demo", outputs, 3, NULL, 0);
    if (files != EXIT_OK)
        return files;
    return EXIT_OK;
}

/* --plot, --html: each side's signal decoded and drawn, as sim does. */
static int draw(const demo_opts *o, const sim_recording *rec)
{
    static const char *const sides[2] = { "caller", "answerer" };
    static const char title[] = "squeal demo: each side's signal, decoded";
    decoded_plot d;
    char err[512];
    int rc = decoded_plot_open(&d, 2, sides, o->html != NULL, NULL);
    if (rc != 0)
        snprintf(err, sizeof err, "out of memory");
    for (int i = 0; i < 2 && rc == 0; i++)
        decoded_plot_feed(&d, i, rec->side[i].x, rec->side[i].n);
    if (rc == 0)
        rc = decoded_plot_finish(&d, err, sizeof err);
    if (rc == 0 && o->plot)
        rc = call_plot_write(d.plot, o->plot, title, err, sizeof err);
    if (rc == 0 && o->html)
        rc = call_page_write(d.plot, o->html, title, err, sizeof err);
    if (rc != 0)
        cli_error("demo", "%s", err);
    decoded_plot_close(&d);
    return rc == 0 ? EXIT_OK : EXIT_RUNTIME;
}

static const char *const side_names[2] = { "caller", "answerer" };

static void print_note(int side, const sq_v8_note *n)
{
    const char *const *names = side_names;
    printf("%8.3f  %-8s  %s\n", (double)n->sample / SQ_PROCESSING_RATE_HZ, names[side], n->text);
    fflush(stdout);
}

/* A note as it sounds: a line of its own, or beside the waterfall's row with --show. */
static void sound_note(term_waterfall *w, int side, const sq_v8_note *n)
{
    char text[sizeof n->text + 16];
    if (!w) {
        print_note(side, n);
        return;
    }
    snprintf(text, sizeof text, "%s: %s", side_names[side], n->text);
    term_waterfall_say(w, text);
}

/* The waterfall (if any) fed up to sample `until` of the mix. */
static void show_until(term_waterfall *w, const sample_buf *mix, size_t *shown, size_t until)
{
    until = until < mix->n ? until : mix->n;
    if (w && until > *shown) {
        term_waterfall_feed(w, mix->x + *shown, until - *shown);
        *shown = until;
    }
}

/* Plays the line in real time; a note is printed when the sound it describes comes out
 * (with --show on a terminal, beside the waterfall row of that sound). */
static int play(const demo_opts *o, sim_call *l, const sample_buf *mix)
{
    audio_link *link = NULL;
    term_waterfall *show = NULL;
    char err[256] = "";
    audio_link_opts lo = o->link;
    lo.output_only = 1;
    if (audio_link_open(o->audio, &lo, &link, err, sizeof err) != 0) {
        cli_error("demo", "%s", err);
        return EXIT_RUNTIME;
    }
    if (o->show && term_waterfall_wanted(stdout) && term_waterfall_open(&show, stdout) != 0) {
        cli_error("demo", "out of memory");
        (void)audio_link_close(link);
        return EXIT_RUNTIME;
    }
    sq_v8_note note;
    size_t shown = 0;
    int side, have = sim_call_next_note(l, &side, &note), rc = EXIT_OK;
    for (size_t at = 0; at < mix->n && rc == EXIT_OK; at += BLOCK) {
        float block[BLOCK] = { 0 };
        size_t k = mix->n - at < BLOCK ? mix->n - at : BLOCK;
        memcpy(block, mix->x + at, k * sizeof *block);
        if (audio_link_exchange(link, block, NULL, BLOCK, err, sizeof err) != 1) {
            cli_error("demo", "%s", err);
            rc = EXIT_RUNTIME;
        }
        size_t delay = audio_link_output_delay(link), sounding = at + BLOCK > delay ? at + BLOCK - delay : 0;
        for (; have && note.sample <= sounding; have = sim_call_next_note(l, &side, &note)) {
            show_until(show, mix, &shown, note.sample);   /* the note beside its own sound */
            sound_note(show, side, &note);
        }
        show_until(show, mix, &shown, sounding);
    }
    (void)audio_link_close(link);   /* a sound device: nothing to finish */
    for (; have; have = sim_call_next_note(l, &side, &note)) {
        show_until(show, mix, &shown, note.sample);
        sound_note(show, side, &note);
    }
    show_until(show, mix, &shown, mix->n);
    term_waterfall_close(show);
    return rc;
}

/* What each side's message did on the way. */
static int report(const demo_opts *o, const sim_call *l)
{
    static const char *const dir[2] = { "caller -> answerer", "answerer -> caller" };
    int intact = 1;
    for (int i = 0; i < 2; i++) {
        const sim_flow *f = &l->flow[i];
        int ok = f->got_len == f->len && memcmp(f->got, f->payload, f->len) == 0;
        printf("%s: \"%s\" %s\n", dir[i], o->text[i], ok ? "arrived intact" : "did NOT arrive intact");
        intact &= ok;
    }
    if (!intact) {
        const sq_call_status *s[2] = { sq_call_status_get(l->side[0]), sq_call_status_get(l->side[1]) };
        cli_error("demo", "the call failed: caller %s; answerer %s", *s[0]->reason ? s[0]->reason : "no reason given",
                  *s[1]->reason ? s[1]->reason : "no reason given");
    }
    return intact ? EXIT_OK : EXIT_RUNTIME;
}

int cmd_demo(int argc, char **argv)
{
    demo_opts o = { .line = { .snr = NAN, .level = NAN, .seed = 1 }, .audio = "pa",
                    .text = { "Hello from the caller. squeal says hi!",
                              "Hello back from the answerer." } };
    sq_call_default_settings(SQ_ROLE_CALLER, &o.line.side[0]);
    sq_call_default_settings(SQ_ROLE_ANSWERER, &o.line.side[1]);
    int rc = parse_demo(argc, argv, &o);
    if (rc != EXIT_OK)
        return rc;
    sim_call l;
    memset(&l, 0, sizeof l);
    sim_recording rec;   /* a demo is short: kept whole, to play */
    memset(&rec, 0, sizeof rec);
    for (int i = 0; i < 2; i++) {
        l.flow[i].len = strlen(o.text[i]);
        l.flow[i].payload = malloc(l.flow[i].len + 1);
        if (l.flow[i].payload)
            memcpy(l.flow[i].payload, o.text[i], l.flow[i].len + 1);
    }
    if (!l.flow[0].payload || !l.flow[1].payload || sim_call_open(&o.line, &l) != 0 ||
        sim_call_run(&l, sim_recording_sink, &rec) != 0) {
        cli_error("demo", "out of memory");
        rc = EXIT_RUNTIME;
    } else if (o.wav || o.plot || o.html) {
        if (o.wav)
            rc = (o.stereo ? cli_write_wav_stereo("demo", o.wav, SQ_PROCESSING_RATE_HZ, &rec.side[0], &rec.side[1])
                           : cli_write_wav("demo", o.wav, SQ_PROCESSING_RATE_HZ, &rec.mix)) == 0 ? EXIT_OK : EXIT_RUNTIME;
        if (rc == EXIT_OK && (o.plot || o.html))
            rc = draw(&o, &rec);
        sq_v8_note note;
        int side;
        while (rc == EXIT_OK && sim_call_next_note(&l, &side, &note))
            print_note(side, &note);
    } else {
        rc = play(&o, &l, &rec.mix);
    }
    if (rc == EXIT_OK)
        rc = report(&o, &l);
    sim_call_free(&l);
    sim_recording_free(&rec);
    return rc;
}
