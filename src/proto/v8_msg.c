/* V.8 message encoding and decoding (include/squeal/v8.h). Octet layouts: spec 3.3-3.6. */
#include <stdio.h>
#include <string.h>
#include "squeal/error.h"
#include "squeal/v8.h"

/* Category tags, b0..b3 with b4 = 0 (spec 3.3). */
enum {
    TAG_CALL_FUNCTION = 0x01,
    TAG_MODULATION = 0x05,
    TAG_PCM = 0x07,
    TAG_PROTOCOLS = 0x0A,
    TAG_PSTN_ACCESS = 0x0D,
};

#define IS_CATEGORY(x) (((x) & 0x10u) == 0)
#define IS_EXTENSION(x) (((x) & 0x38u) == 0x10u)   /* b3 b4 b5 = 0 1 0 */

/* Where each mode lives: modulation octet (0 = modn0), and its bit mask (spec 3.5). */
static const struct {
    uint32_t mode;
    int octet;
    uint8_t mask;
    const char *name;
} MODES[SQ_V8_MOD_COUNT] = {
    { SQ_V8_V34, 0, 0x40, "v34" },       { SQ_V8_V34HDX, 0, 0x80, "v34hdx" },
    { SQ_V8_V32BIS, 1, 0x01, "v32bis" }, { SQ_V8_V22BIS, 1, 0x02, "v22bis" },
    { SQ_V8_V17, 1, 0x04, "v17" },       { SQ_V8_V29, 1, 0x40, "v29" },
    { SQ_V8_V27TER, 1, 0x80, "v27ter" }, { SQ_V8_V26TER, 2, 0x01, "v26ter" },
    { SQ_V8_V26BIS, 2, 0x02, "v26bis" }, { SQ_V8_V23, 2, 0x04, "v23" },
    { SQ_V8_V23HDX, 2, 0x40, "v23hdx" }, { SQ_V8_V21, 2, 0x80, "v21" },
    { SQ_V8_PCM, 0, 0x20, "v90" },
};

static const char *const CALL_FUNCTIONS[8] = {
    "tbs", "h324", "v18", "t101", "t30_tx", "t30_rx", "data", "extension",
};

const char *sq_v8_mod_to_str(uint32_t mode_bit)
{
    for (int i = 0; i < SQ_V8_MOD_COUNT; i++)
        if (MODES[i].mode == mode_bit)
            return MODES[i].name;
    return "unknown";
}

int sq_v8_mods_from_str(const char *list, uint32_t *modes)
{
    if (!list || !modes)
        return SQ_EINVAL;
    uint32_t set = 0;
    const char *p = list;
    while (*p) {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (int i = 0; i < SQ_V8_MOD_COUNT && !found; i++) {
            if (strlen(MODES[i].name) == len && strncmp(p, MODES[i].name, len) == 0) {
                set |= MODES[i].mode;
                found = 1;
            }
        }
        if (!found)
            return SQ_EINVAL;
        p += len;
        if (*p == ',')
            p++;
    }
    if (!set)
        return SQ_EINVAL;
    *modes = set;
    return SQ_OK;
}

const char *sq_v8_call_function_to_str(int call_function)
{
    return call_function >= 0 && call_function < 8 ? CALL_FUNCTIONS[call_function] : "unknown";
}

const char *sq_v8_msg_type_to_str(sq_v8_msg_type t)
{
    static const char *const names[] = { "ci", "cm", "jm", "cj" };
    return (int)t >= 0 && t <= SQ_V8_CJ ? names[t] : "unknown";
}

uint32_t sq_v8_best_mode(uint32_t modulations)
{
    uint32_t m = modulations & ~(uint32_t)SQ_V8_PCM;
    return m & (~m + 1u);   /* lowest set bit = lowest item number */
}

static int needed_mod_octets(uint32_t modulations)
{
    int need = 1;
    for (int i = 0; i < SQ_V8_MOD_COUNT; i++)
        if ((modulations & MODES[i].mode) && MODES[i].octet + 1 > need)
            need = MODES[i].octet + 1;
    return need;
}

void sq_v8_msg_init(sq_v8_msg *m, sq_v8_msg_type type, uint32_t modulations)
{
    memset(m, 0, sizeof *m);
    m->type = type;
    m->call_function = SQ_V8_CALL_DATA;
    m->modulations = modulations;
    m->mod_octets = needed_mod_octets(modulations);
    m->has_protocols = 1;
    m->protocols = 1;   /* LAPM */
}

int sq_v8_encode(const sq_v8_msg *m, uint8_t *octets, size_t max)
{
    if (!m || !octets || m->call_function < 0 || m->call_function > 7 || m->mod_octets < 1 ||
        m->mod_octets > 3 || needed_mod_octets(m->modulations) > m->mod_octets ||
        (size_t)(m->mod_octets + 4) > max)
        return SQ_EINVAL;
    size_t n = 0;
    octets[n++] = (uint8_t)(TAG_CALL_FUNCTION | m->call_function << 5);
    if (m->type == SQ_V8_CI)   /* CI carries the call function alone (V.8 7.1) */
        return (int)n;
    uint8_t modn[3] = { TAG_MODULATION, 0x10, 0x10 };
    for (int i = 0; i < SQ_V8_MOD_COUNT; i++)
        if (m->modulations & MODES[i].mode)
            modn[MODES[i].octet] |= MODES[i].mask;
    for (int i = 0; i < m->mod_octets; i++)
        octets[n++] = modn[i];
    if (m->has_protocols)
        octets[n++] = (uint8_t)(TAG_PROTOCOLS | (m->protocols & 7) << 5);
    if (m->has_pstn_access)
        octets[n++] = (uint8_t)(TAG_PSTN_ACCESS | (m->pstn_access & 7) << 5);
    if (m->has_pcm)
        octets[n++] = (uint8_t)(TAG_PCM | (m->pcm & 7) << 5);
    return (int)n;
}

static int fail(char *why, size_t len, const char *text, size_t at, uint8_t octet)
{
    if (why && len)
        snprintf(why, len, "%s (octet %zu, 0x%02x)", text, at, octet);
    return SQ_EFORMAT;
}

/* Skips the extension octets that follow position i; returns the next position. */
static size_t skip_extensions(const uint8_t *o, size_t n, size_t i)
{
    while (i < n && IS_EXTENSION(o[i]))
        i++;
    return i;
}

static void decode_modulation(const uint8_t *o, size_t n, size_t *i, sq_v8_msg *m)
{
    uint8_t modn[3] = { o[*i], 0, 0 };
    int count = 1;
    (*i)++;
    while (count < 3 && *i < n && IS_EXTENSION(o[*i]))
        modn[count++] = o[(*i)++];
    *i = skip_extensions(o, n, *i);   /* later extensions are reserved: ignored */
    m->mod_octets = count;
    for (int k = 0; k < SQ_V8_MOD_COUNT; k++)
        if (MODES[k].octet < count && (modn[MODES[k].octet] & MODES[k].mask))
            m->modulations |= MODES[k].mode;
}

int sq_v8_decode(sq_v8_msg_type type, const uint8_t *octets, size_t n, sq_v8_msg *m,
                 char *why, size_t why_len)
{
    if (!octets || !m)
        return SQ_EINVAL;
    memset(m, 0, sizeof *m);
    m->type = type;
    if (n == 0)
        return fail(why, why_len, "no octets after the sync", 0, 0);
    if (n > SQ_V8_MAX_OCTETS)
        return fail(why, why_len, "too long", SQ_V8_MAX_OCTETS, octets[SQ_V8_MAX_OCTETS]);
    memcpy(m->octets, octets, n);
    m->n_octets = n;
    if (!IS_CATEGORY(octets[0]) || (octets[0] & 0x0F) != TAG_CALL_FUNCTION)
        return fail(why, why_len, "does not open with the call function", 0, octets[0]);
    int have_modulation = 0;
    for (size_t i = 0; i < n;) {
        uint8_t x = octets[i];
        if (!IS_CATEGORY(x))
            return fail(why, why_len, IS_EXTENSION(x) ? "extension octet with no category"
                                                       : "neither a category nor an extension octet", i, x);
        int value = x >> 5;
        switch (x & 0x0F) {
        case TAG_CALL_FUNCTION:
            m->call_function = value;
            i = skip_extensions(octets, n, i + 1);
            break;
        case TAG_MODULATION:
            decode_modulation(octets, n, &i, m);
            have_modulation = 1;
            break;
        case TAG_PROTOCOLS:
            m->has_protocols = 1;
            m->protocols = value;
            i = skip_extensions(octets, n, i + 1);
            break;
        case TAG_PSTN_ACCESS:
            m->has_pstn_access = 1;
            m->pstn_access = value;
            i = skip_extensions(octets, n, i + 1);
            break;
        case TAG_PCM:
            m->has_pcm = 1;
            m->pcm = value;
            i = skip_extensions(octets, n, i + 1);
            break;
        default:   /* NSF, T.66 and unknown categories: kept, their extensions skipped */
            if (m->n_unknown < SQ_V8_MAX_UNKNOWN)
                m->unknown[m->n_unknown++] = x;
            i = skip_extensions(octets, n, i + 1);
            break;
        }
    }
    if ((type == SQ_V8_CM || type == SQ_V8_JM) && !have_modulation)
        return fail(why, why_len, "no modulation category", n - 1, octets[n - 1]);
    return SQ_OK;
}
