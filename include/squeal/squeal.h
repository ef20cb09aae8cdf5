/* squeal: a software modem emulator. Umbrella header for the public API. */
#ifndef SQUEAL_SQUEAL_H
#define SQUEAL_SQUEAL_H

#include "squeal/export.h"
#include "squeal/version.h"
#include "squeal/error.h"
#include "squeal/time_base.h"
#include "squeal/level.h"
#include "squeal/noise.h"
#include "squeal/tone.h"
#include "squeal/dtmf.h"
#include "squeal/progress.h"
#include "squeal/fsk.h"
#include "squeal/async.h"
#include "squeal/decoder.h"
#include "squeal/audio_file.h"
#include "squeal/v8.h"
#include "squeal/v8_session.h"
#include "squeal/v22bis_session.h"
#include "squeal/call.h"
#include "squeal/channel.h"
#include "squeal/v34_info.h"
#include "squeal/v90.h"
#include "squeal/v92.h"
#include "squeal/v32.h"
#include "squeal/v8bis.h"
#include "squeal/echo_canceller.h"

#ifdef __cplusplus
extern "C" {
#endif


#ifdef __cplusplus
}
#endif

#endif
