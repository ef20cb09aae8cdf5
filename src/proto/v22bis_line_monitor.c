/* V.22bis session, line monitor: in data, the slicer's error (faults, and the rate the
 * line can carry: down to 1200 or up to 2400) and the far carrier. */
#include <math.h>
#include <stdio.h>
#include "src/proto/v22bis_internal.h"

/* Each symbol in data: the slicer's error, short and long averages (a fault is a leap of
 * the short one) and over a few seconds (the line's quality); and the far end's S1, watched
 * for with a detector of its own. */
void v22s_monitor_symbol(sq_v22_session *s, const sq_qam_symbol *sym)
{
    float complex e = sym->z - sym->decision;
    double e2 = (double)(crealf(e) * crealf(e) + cimagf(e) * cimagf(e));
    if (s->st.rate == 2400) {
        s->fast_err += (e2 - s->fast_err) / FAULT_SHORT;
        if (!s->fault_at && (s->fast_err > FAULT_RATIO * fmax(s->slow_err, FAULT_FLOOR / FAULT_RATIO) ||
                             s->fast_err > v22s_error_at_snr(FAULT_SNR_DB)))
            s->fault_at = sym->sample;
        s->slow_err += (e2 - s->slow_err) / FAULT_LONG;
    }
    s->line_err += (e2 - s->line_err) / LINE_SYMBOLS;
    sq_v22_detector_symbol(&s->s1_watch, sym->z, 1);
    if (s->s1_watch.s1_run == 1)
        s->s1_watch_start = sym->sample;
}

/* In data at 1200 bit/s: time to ask for 2400 (V.22bis 6.6)? */
static int upgrade_due(const sq_v22_session *s)
{
    if (s->st.rate != 1200 || s->set.max_rate != 2400 || !s->far_v22bis || !s->set.put_bit ||
        s->upgrade_tries >= UPGRADE_TRIES)
        return 0;
    uint64_t wait = s->set.role == SQ_ROLE_CALLER ? UPGRADE_WAIT_CALLER : UPGRADE_WAIT_ANSWERER;
    if (s->upgrade_tries)
        wait += UPGRADE_RETRY;
    return s->n - s->data_since >= wait && s->line_err < v22s_error_at_snr(UPGRADE_MIN_SNR_DB);
}

/* In data: a fault, a line too poor for 2400 or good enough to ask for it again, or an S1
 * from the far end starts a retrain. */
void v22s_data_step(sq_v22_session *s)
{
    if (s->fault_at) {
        char why[96];
        if (s->carrier_dropped)
            snprintf(why, sizeof why, "far carrier gone for %d ms", SQ_V22_CARRIER_OFF_MS);
        else
            snprintf(why, sizeof why, "equalisation lost (slicer SNR %.1f dB over 8 symbols, %.1f dB before)",
                     v22s_snr_of_error(s->fast_err), v22s_snr_of_error(s->slow_err));
        /* judged on the data before the retrain: a retrain that itself went badly (a
         * second S1 in its training, over a sound server's latency, left one at 12 dB
         * on a 40 dB line) is retrained again, not taken for a poor line */
        int poor_line = !s->carrier_dropped && s->settled_err > v22s_error_at_snr(POOR_LINE_SNR_DB);
        if (poor_line && s->retrained_at && s->n - s->retrained_at < RETRAIN_TOO_SOON) {
            v22s_start_own_retrain(s, s->fault_at - FAULT_BACKOFF, "equalisation lost again soon after a retrain: the line is too poor for 2400 bit/s");
            s->retrain_1200 = 1;
            return;
        }
        v22s_start_own_retrain(s, s->fault_at - FAULT_BACKOFF, why);
    } else if (s->st.rate == 2400 && s->n - s->data_since > LINE_WAIT &&
               s->line_err > v22s_error_at_snr(LINE_MIN_2400_DB)) {
        char why[96];
        snprintf(why, sizeof why, "line quality too poor for 2400 bit/s (slicer SNR %.1f dB over 2 s)",
                 v22s_snr_of_error(s->line_err));
        v22s_start_own_retrain(s, s->n, why);
        s->retrain_1200 = 1;
    } else if (upgrade_due(s)) {
        char why[96];
        snprintf(why, sizeof why, "asking for 2400 bit/s (slicer SNR %.1f dB at 1200 over 2 s)",
                 v22s_snr_of_error(s->line_err));
        s->upgrade_tries++;
        v22s_start_own_retrain(s, s->n, why);
    } else if (s->s1_watch.s1_run >= SQ_V22_S1_DETECT_SYMBOLS) {
        /* the far end retrains: what came before its S1 was good */
        /* S1's first symbol or two do not count as alternations yet */
        v22s_begin_retrain(s, s->s1_watch_start - SQ_MS(3 * SYMBOL_MS), "S1 from the far end");
        s->det = s->s1_watch;
        s->rx_kept_lock = 1;
        v22s_enter(s, ST_RETRAIN_S1_HEARD);
    }
}

/* The far carrier, once the call is under way: lost for 65 ms (or, with error control
 * above, for CARRIER_LOSS_HANGUP) ends the call; a shorter loss in data is a fault. */
void v22s_watch_carrier(sq_v22_session *s)
{
    if (v22s_carrier_expected(s->state)) {
        if (sq_qam_rx_fast_level_dbm0(s->qrx) >= SQ_V22_CARRIER_OFF_DBM0) {
            s->quiet_since = 0;
            s->carrier_dropped = 0;
        } else if (!s->quiet_since) {
            s->quiet_since = s->n;
        } else if (!s->set.put_bit) {
            if (s->n - s->quiet_since >= CARRIER_OFF_TIME)
                v22s_end_call(s, "far carrier lost");
        } else if (s->n - s->quiet_since >= CARRIER_LOSS_HANGUP) {
            v22s_end_call(s, "far carrier lost");
        } else if (s->n - s->quiet_since >= CARRIER_OFF_TIME && !s->carrier_dropped) {
            s->carrier_dropped = 1;
            if (s->state == ST_DATA && s->st.rate == 2400) {
                if (!s->fault_at)
                    s->fault_at = s->quiet_since;   /* retrained on the next step */
            } else if (s->state == ST_DATA) {
                v22s_note(s, "far carrier lost for %d ms", SQ_V22_CARRIER_OFF_MS);
                v22s_drop_held_since(s, s->quiet_since - FAULT_BACKOFF);
            }
        }
    }
}
