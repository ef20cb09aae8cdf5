/* The command set (src/modem/at_command.h). Each command is one small function of the
 * cursor; the table at the end says which letter runs which. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "squeal/squeal.h"
#include "src/modem/at_command.h"

#define RUNNABLE (SQ_V8_V22BIS | SQ_V8_V21)

typedef struct cursor {
    const char *p;
    at_settings *s;
    at_result *r;
    const char *line_info;
} cursor;

static const uint8_t FACTORY_S[AT_S_COUNT] = {
    [AT_S_RINGS_TO_ANSWER] = 0, [AT_S_RING_COUNT] = 0, [AT_S_ESCAPE_CHAR] = '+', [AT_S_CR] = 13,
    [AT_S_LF] = 10, [AT_S_BACKSPACE] = 8, [AT_S_DIAL_WAIT] = 2, [AT_S_CARRIER_WAIT] = 50,
    [AT_S_COMMA_PAUSE] = 2, [AT_S_CARRIER_DETECT] = 6, [AT_S_CARRIER_LOSS] = 14, [AT_S_DTMF_MS] = 95, [AT_S_GUARD] = 50,
};

void at_settings_factory(at_settings *s)
{
    memset(s, 0, sizeof *s);
    s->echo = 1;
    s->verbose = 1;
    s->x_level = 4;
    s->dcd_mode = 1;
    s->dtr_mode = 2;
    memcpy(s->s, FACTORY_S, sizeof s->s);
    s->modes = RUNNABLE;
    s->max_rate = 2400;
    s->error_control = AT_EC_AUTO;
}

static void say(cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(cursor *c, const char *fmt, ...)
{
    size_t used = strlen(c->r->text);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->r->text + used, sizeof c->r->text - used, fmt, ap);
    va_end(ap);
}

/* A decimal number at the cursor (none: 0); -1 when it is above max. */
static long number(cursor *c, long max)
{
    long v = 0;
    while (isdigit((unsigned char)*c->p)) {
        v = v * 10 + (*c->p++ - '0');
        if (v > max)
            return -1;
    }
    return v;
}

/* A flag command that takes 0..max (E, Q, V, X, &C, &D, ...). */
static int flag(cursor *c, int *field, long max)
{
    long v = number(c, max);
    if (v < 0)
        return -1;
    *field = (int)v;
    return 0;
}

static const char *carrier_name(const at_settings *s)
{
    if (!(s->modes & SQ_V8_V22BIS))
        return "V21";
    return s->max_rate == 1200 ? "V22" : "V22B";
}

static int top_rate(const at_settings *s)
{
    return (s->modes & SQ_V8_V22BIS) ? s->max_rate : 300;
}

/* ATI0..3 */
static int cmd_info(cursor *c)
{
    long v = number(c, 3);
    switch (v) {
    case 0: say(c, "squeal\r\n"); return 0;
    case 1: say(c, "squeal %s (library API %u.%u)\r\n", sq_version(), sq_api_version() >> 16, sq_api_version() & 0xFFFFu); return 0;
    case 2: say(c, "V.22bis 2400, V.22 1200, V.21 300 bit/s; V.8 negotiation, V.25 answer tones; V.42 LAPM error control; DTMF dialling\r\n"); return 0;
    case 3: say(c, "squeal %s software modem on %s\r\n", sq_version(), c->line_info ? c->line_info : "no line"); return 0;
    default: return -1;
    }
}

/* S<n>=<v>, S<n>? */
static int cmd_register(cursor *c)
{
    long reg = number(c, 255);
    if (reg < 0 || reg >= AT_S_COUNT)
        return -1;
    if (*c->p == '?') {
        c->p++;
        say(c, "%03u\r\n", c->s->s[reg]);
        return 0;
    }
    if (*c->p != '=')
        return -1;
    c->p++;
    long v = number(c, 255);
    if (v < 0 || (reg <= AT_S_BACKSPACE && reg >= AT_S_CR && v > 127))
        return -1;
    if (reg == AT_S_DTMF_MS && (v < 50 || v > 255))   /* Hayes: 50..255 ms */
        return -1;
    c->s->s[reg] = (uint8_t)v;
    return 0;
}

/* D: everything to the end of the line is the dial string. */
static int cmd_dial(cursor *c)
{
    char *out = c->r->number;
    size_t n = 0;
    if (toupper((unsigned char)*c->p) == 'L') {    /* redial the last number */
        c->p++;
        snprintf(c->r->number, sizeof c->r->number, "%s", c->s->last_number);
        c->r->action = AT_ACTION_DIAL;
        c->p += strlen(c->p);
        return 0;
    }
    for (; *c->p; c->p++) {
        char ch = (char)toupper((unsigned char)*c->p);
        if (sq_dtmf_is_digit(ch) || ch == ',') {
            if (n + 1 >= sizeof c->r->number)
                return -1;
            out[n++] = ch;
        }
        else if (ch == ';' || ch == 'S' || ch == 'R')   /* voice, stored numbers, reverse: not had */
            return -1;
        else if (!strchr("TPW@! -().", ch))
            return -1;
    }
    out[n] = '\0';
    snprintf(c->s->last_number, sizeof c->s->last_number, "%s", out);
    c->r->action = AT_ACTION_DIAL;
    return 0;
}

static void show_settings(cursor *c)
{
    const at_settings *s = c->s;
    say(c, "E%d Q%d V%d X%d &C%d &D%d +MS=%s,%d +ES=%d\r\n", s->echo, s->quiet, s->verbose, s->x_level,
        s->dcd_mode, s->dtr_mode, carrier_name(s), (s->modes & SQ_V8_V21) && (s->modes & SQ_V8_V22BIS),
        s->error_control == AT_EC_NONE ? 1 : 3);
    for (int i = 0; i < AT_S_COUNT; i++)
        say(c, "S%02d:%03u%s", i, s->s[i], i == AT_S_COUNT - 1 || i == 6 ? "\r\n" : " ");
}

/* &C, &D, &F, &K, &S, &V, &W */
static int cmd_ampersand(cursor *c)
{
    int ignored;
    switch (toupper((unsigned char)*c->p++)) {
    case 'C': return flag(c, &c->s->dcd_mode, 1);
    case 'D': return flag(c, &c->s->dtr_mode, 3);
    case 'F':
        at_settings_factory(c->s);
        c->r->action = AT_ACTION_RESET;
        return 0;
    case 'K': return flag(c, &ignored, 6);   /* flow control: a pty and TCP have their own */
    case 'S': return flag(c, &ignored, 1);   /* DSR: a pty has none */
    case 'V': show_settings(c); return flag(c, &ignored, 0);
    case 'W': return flag(c, &ignored, 1);   /* no stored profile: accepted, nothing kept */
    default: return -1;
    }
}

/* \N: 0 normal (no error control), 1 direct, 2 reliable (LAPM or hang up), 3 auto-reliable,
 * 4 LAPM only; 5 (MNP) is not had. */
static int cmd_backslash(cursor *c)
{
    static const int ec[] = { AT_EC_NONE, AT_EC_NONE, AT_EC_REQUIRED, AT_EC_AUTO, AT_EC_REQUIRED };
    if (toupper((unsigned char)*c->p++) != 'N')
        return -1;
    long v = number(c, 4);
    if (v < 0)
        return -1;
    c->s->error_control = ec[v];
    return 0;
}

/* The comma-separated numbers of an extended command; returns how many (missing ones -1). */
static int numbers(const char *p, long *v, int max)
{
    int n = 0;
    while (n < max) {
        v[n] = -1;
        if (isdigit((unsigned char)*p)) {
            char *end;
            v[n] = strtol(p, &end, 10);
            p = end;
        }
        n++;
        if (*p != ',')
            break;
        p++;
    }
    return *p == '\0' ? n : -1;
}

/* +MS=<carrier>[,<automode>[,<min_tx>[,<max_tx>[,<min_rx>[,<max_rx>]]]]] (V.250 6.4) */
static int set_modulation(cursor *c, const char *arg)
{
    char carrier[16] = "";
    size_t k = 0;
    if (*arg == '"')
        arg++;
    while (*arg && *arg != ',' && *arg != '"' && k + 1 < sizeof carrier)
        carrier[k++] = (char)toupper((unsigned char)*arg++);
    if (*arg == '"')
        arg++;
    long v[5] = { -1, -1, -1, -1, -1 };
    if (*arg == ',' && numbers(arg + 1, v, 5) < 0)
        return -1;
    int automode = v[0] != 0, max_rate = strcmp(carrier, "V22") == 0 ? 1200 : 2400;
    uint32_t modes;
    if (strcmp(carrier, "V21") == 0)
        modes = SQ_V8_V21;
    else if (strcmp(carrier, "V22") == 0 || strcmp(carrier, "V22B") == 0)
        modes = SQ_V8_V22BIS | (automode ? SQ_V8_V21 : 0);
    else
        return -1;   /* V.32, V.34, V.90 ...: squeal has no such modem yet */
    long max_tx = v[2] >= 0 ? v[2] : v[4];
    if (max_tx >= 0 && max_tx < 300)
        return -1;
    if (max_tx >= 0 && max_tx < 1200) {
        if (!(modes & SQ_V8_V21))
            return -1;
        modes = SQ_V8_V21;
    }
    else if (max_tx >= 0 && max_tx < 2400)
        max_rate = 1200;
    c->s->modes = modes;
    c->s->max_rate = max_rate;
    return 0;
}

/* +ES=<orig_rqst>[,<orig_fbk>[,<ans_fbk>]]: 0/1 no error control; 2/3 V.42; 4 and up
 * (MNP, synchronous modes) not had; fallback 2 or 3 makes LAPM required. */
static int set_error_control(cursor *c, const char *arg)
{
    long v[3] = { -1, -1, -1 };
    if (numbers(arg, v, 3) < 0 || v[0] < 0 || v[0] > 3 || v[1] > 3 || v[2] > 3)
        return -1;
    c->s->error_control = v[0] <= 1 ? AT_EC_NONE : (v[1] == 2 || v[1] == 3 || v[2] == 2 || v[2] == 3) ? AT_EC_REQUIRED : AT_EC_AUTO;
    return 0;
}

/* +NAME, +NAME?, +NAME=?, +NAME=<args>, to the next ';' or the end. */
static int cmd_extended(cursor *c)
{
    char cmd[64];
    size_t k = 0;
    while (*c->p && *c->p != ';' && k + 1 < sizeof cmd)
        cmd[k++] = *c->p++;
    cmd[k] = '\0';
    if (*c->p == ';')
        c->p++;
    else if (*c->p)
        return -1;   /* longer than any command squeal has */
    for (char *q = cmd; *q && *q != '='; q++)
        *q = (char)toupper((unsigned char)*q);
    const at_settings *s = c->s;
    if (strcmp(cmd, "MS?") == 0)
        say(c, "+MS: %s,%d,300,%d,300,%d\r\n", carrier_name(s), (s->modes & SQ_V8_V21) && (s->modes & SQ_V8_V22BIS), top_rate(s), top_rate(s));
    else if (strcmp(cmd, "MS=?") == 0)
        say(c, "+MS: (V21,V22,V22B),(0,1),(300-2400),(300-2400),(300-2400),(300-2400)\r\n");
    else if (strncmp(cmd, "MS=", 3) == 0)
        return set_modulation(c, cmd + 3);
    else if (strcmp(cmd, "ES?") == 0)
        say(c, "+ES: %d,%d,%d\r\n", s->error_control == AT_EC_NONE ? 1 : 3, s->error_control == AT_EC_REQUIRED ? 3 : 0,
            s->error_control == AT_EC_REQUIRED ? 3 : 0);
    else if (strcmp(cmd, "ES=?") == 0)
        say(c, "+ES: (0-3),(0-3),(0-3)\r\n");
    else if (strncmp(cmd, "ES=", 3) == 0)
        return set_error_control(c, cmd + 3);
    else if (strcmp(cmd, "GMI") == 0)
        say(c, "squeal project\r\n");
    else if (strcmp(cmd, "GMM") == 0)
        say(c, "squeal software modem\r\n");
    else if (strcmp(cmd, "GMR") == 0)
        say(c, "%s\r\n", sq_version());
    else if (strcmp(cmd, "GCAP") == 0)
        say(c, "+GCAP: +MS,+ES\r\n");
    else
        return -1;
    return 0;
}

/* One command at the cursor: 0, or -1 when it is not one squeal takes. */
static int one_command(cursor *c)
{
    int ignored;
    char letter = (char)toupper((unsigned char)*c->p++);
    switch (letter) {
    case 'A': c->r->action = AT_ACTION_ANSWER; return 0;
    case 'D': return cmd_dial(c);
    case 'E': return flag(c, &c->s->echo, 1);
    case 'H':
        if (number(c, 1) == 0)
            c->r->action = AT_ACTION_HANGUP;
        return 0;                        /* H1 (off hook) is accepted and does nothing */
    case 'I': return cmd_info(c);
    case 'L': return flag(c, &ignored, 3);   /* speaker volume: there is no speaker */
    case 'M': return flag(c, &ignored, 3);   /* speaker on/off */
    case 'N': return flag(c, &ignored, 1);   /* automode: +MS's second field is what counts */
    case 'O':
        if (number(c, 1) < 0)
            return -1;
        c->r->action = AT_ACTION_ONLINE;
        return 0;
    case 'P': case 'T': return 0;        /* pulse or tone dialling: both dial with DTMF */
    case 'Q': return flag(c, &c->s->quiet, 1);
    case 'S': return cmd_register(c);
    case 'V': return flag(c, &c->s->verbose, 1);
    case 'X': return flag(c, &c->s->x_level, 4);
    case 'Z':
        if (number(c, 1) < 0)
            return -1;
        at_settings_factory(c->s);
        c->r->action = AT_ACTION_RESET;
        return 0;
    case '&': return cmd_ampersand(c);
    case '\\': return cmd_backslash(c);
    case '+': return cmd_extended(c);
    default: return -1;
    }
}

void at_execute(at_settings *s, const char *commands, const char *line_info, at_result *r)
{
    memset(r, 0, sizeof *r);
    cursor c = { commands, s, r, line_info };
    while (*c.p && r->action == AT_ACTION_NONE) {
        if (*c.p == ' ' || *c.p == ';') {
            c.p++;
            continue;
        }
        if (one_command(&c) != 0) {
            r->error = 1;
            r->action = AT_ACTION_NONE;
            return;
        }
    }
}

void at_result_text(const at_settings *s, at_code code, int rate, int lapm, char *out, size_t len)
{
    static const char *const words[] = {
        [AT_OK] = "OK", [AT_CONNECT] = "CONNECT", [AT_RING] = "RING", [AT_NO_CARRIER] = "NO CARRIER",
        [AT_ERROR] = "ERROR", [5] = "", [AT_NO_DIALTONE] = "NO DIALTONE", [AT_BUSY] = "BUSY",
        [AT_NO_ANSWER] = "NO ANSWER",
    };
    out[0] = '\0';
    if (s->quiet)
        return;
    int with_rate = code == AT_CONNECT && s->x_level > 0 && rate > 300;
    if (!s->verbose) {
        /* Hayes numbers: 1 CONNECT (300), 5 CONNECT 1200, 10 CONNECT 2400 */
        int n = with_rate ? (rate == 1200 ? 5 : 10) : (int)code;
        snprintf(out, len, "%d%c", n, s->s[AT_S_CR]);
        return;
    }
    char word[48];
    if (code == AT_CONNECT && s->x_level > 0)
        snprintf(word, sizeof word, "CONNECT %d%s", rate, lapm ? "/ARQ" : "");
    else
        snprintf(word, sizeof word, "%s", words[code]);
    snprintf(out, len, "%c%c%s%c%c", s->s[AT_S_CR], s->s[AT_S_LF], word, s->s[AT_S_CR], s->s[AT_S_LF]);
}
