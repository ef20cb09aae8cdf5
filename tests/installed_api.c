/* A program as a user would write it against the installed library: public headers only,
 * built with the flags pkg-config gives (tests/install_test.sh). Two whole calls (V.8,
 * V.22bis training, a message each way; with V.42 LAPM and without), one sample block at
 * a time; exit 0 when both messages arrive, the API version is the one built against and
 * a call sent bytes before data. */
#include <stdio.h>
#include <string.h>
#include <squeal/squeal.h>

static int one_call(int lapm)
{
    static const char *msg[2] = { "from the caller", "and back from the answerer" };
    sq_call_settings set[2];
    sq_call *c[2] = { NULL, NULL };
    char got[2][64] = { "", "" };
    size_t ngot[2] = { 0, 0 };
    for (int i = 0; i < 2; i++) {
        sq_call_default_settings(i ? SQ_ROLE_ANSWERER : SQ_ROLE_CALLER, &set[i]);
        set[i].v8.lapm = lapm;
        if (sq_call_create(&set[i], &c[i]) != SQ_OK) {
            fprintf(stderr, "sq_call_create failed\n");
            return 1;
        }
        if (sq_call_send(c[i], (const uint8_t *)msg[i], strlen(msg[i])) != strlen(msg[i])) {
            fprintf(stderr, "sq_call_send before data took less than all\n");
            return 1;
        }
    }
    float tx[2][160] = { { 0 } }, rx[2][160];
    for (int t = 0; t < 8000 * 15 / 160; t++) {
        for (int i = 0; i < 2; i++)
            memcpy(rx[i], tx[1 - i], sizeof rx[i]);
        for (int i = 0; i < 2; i++) {
            sq_call_process(c[i], rx[i], tx[i], 160);
            ngot[i] += sq_call_receive(c[i], (uint8_t *)got[i] + ngot[i], sizeof got[i] - 1 - ngot[i]);
        }
    }
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        const sq_call_status *st = sq_call_status_get(c[i]);
        ok &= st->phase == SQ_CALL_DATA && st->rate == 2400 && st->error_control == lapm &&
              strcmp(got[i], msg[1 - i]) == 0;
        sq_call_destroy(c[i]);
    }
    printf("call %s LAPM: %s\n", lapm ? "with" : "without", ok ? "both messages arrived" : "FAILED");
    return !ok;
}

int main(void)
{
    if (sq_api_version() >> 16 != SQ_API_VERSION_MAJOR || (sq_api_version() & 0xFFFF) < SQ_API_VERSION_MINOR) {
        fprintf(stderr, "library API %u.%u, built against %d.%d\n", sq_api_version() >> 16,
                sq_api_version() & 0xFFFF, SQ_API_VERSION_MAJOR, SQ_API_VERSION_MINOR);
        return 1;
    }
    printf("squeal %s, API %u.%u\n", sq_version(), sq_api_version() >> 16, sq_api_version() & 0xFFFF);
    return one_call(1) | one_call(0);
}
