/* The call's page (call_page.h): HTML written in one pass, the picture (PNG) and the audio
 * (16-bit WAV at 8 kHz) inlined in base64. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "squeal/time_base.h"
#include "src/io/output_file.h"
#include "src/plot/call_page.h"

static const char STYLE[] =
    "body{font-family:'DejaVu Sans',sans-serif;margin:16px;color:#111;background:#fff}\n"
    "h1{font-size:20px;margin:0 0 4px}\n"
    ".summary{margin:0 0 10px;color:#333}\n"
    "#picture{position:relative;width:100%;max-width:1600px}\n"
    "#picture img{width:100%;display:block;cursor:crosshair}\n"
    "#cursor{position:absolute;top:0;bottom:0;width:2px;background:#e00;pointer-events:none;left:0}\n"
    "audio{width:100%;max-width:1600px;margin:8px 0}\n"
    ".lanes{position:relative;width:100%;max-width:1600px}\n"
    ".panel{font-weight:bold;margin:6px 0 2px}\n"
    ".lane{position:relative;height:22px;border-bottom:1px solid #eee}\n"
    ".lane .side{position:absolute;left:0;top:3px;font-size:12px;color:#555}\n"
    ".event{position:absolute;top:2px;height:18px;min-width:3px;color:#fff;font-size:11px;"
    "font-weight:bold;overflow:hidden;white-space:nowrap;border-radius:2px;cursor:pointer;"
    "box-sizing:border-box;padding:1px 3px}\n"
    ".event.selected{outline:3px solid #e00;z-index:2}\n"
    "#fields{white-space:pre-wrap;background:#f6f6f6;border:1px solid #ddd;padding:8px;"
    "font-family:'DejaVu Sans Mono',monospace;font-size:12px;max-width:1584px;min-height:3em}\n"
    ".help{color:#555;font-size:12px}\n";

/* Clicks, the cursor, the keys. GEOMETRY and EVENTS come before it. */
static const char SCRIPT[] =
    "const audio=document.getElementById('audio'),img=document.getElementById('spectrogram');\n"
    "const cursor=document.getElementById('cursor'),fields=document.getElementById('fields');\n"
    "const nodes=Array.from(document.querySelectorAll('.event')).sort((a,b)=>a.dataset.i-b.dataset.i);\n"
    "let selected=-1,stopAt=null;\n"
    "function xPercent(t){return (GEOMETRY.left+t/GEOMETRY.duration*GEOMETRY.plotWidth)/GEOMETRY.width*100;}\n"
    "function moveCursor(){cursor.style.left=xPercent(audio.currentTime)+'%';"
    "if(stopAt!==null&&audio.currentTime>=stopAt){audio.pause();stopAt=null;}"
    "if(!audio.paused)requestAnimationFrame(moveCursor);}\n"
    "function select(i,play){if(i<0||i>=nodes.length)return;"
    "if(selected>=0)nodes[selected].classList.remove('selected');selected=i;"
    "const n=nodes[i];n.classList.add('selected');"
    "const e=EVENTS[Number(n.dataset.i)];"
    "fields.textContent=n.title+'\\n\\n'+JSON.stringify(e,null,2);"
    "audio.currentTime=Number(n.dataset.t);moveCursor();"
    "if(play){stopAt=Number(n.dataset.end);audio.play().catch(()=>{});}}\n"
    "nodes.forEach((n,i)=>n.addEventListener('click',()=>select(i,true)));\n"
    "img.addEventListener('click',ev=>{const r=img.getBoundingClientRect();"
    "const x=(ev.clientX-r.left)/r.width*GEOMETRY.width;"
    "const t=(x-GEOMETRY.left)/GEOMETRY.plotWidth*GEOMETRY.duration;"
    "if(t>=0&&t<=GEOMETRY.duration){stopAt=null;audio.currentTime=t;moveCursor();}});\n"
    "audio.addEventListener('play',moveCursor);audio.addEventListener('seeked',moveCursor);\n"
    "audio.addEventListener('timeupdate',moveCursor);\n"
    "document.addEventListener('keydown',ev=>{"
    "if(ev.key===' '){ev.preventDefault();stopAt=null;"
    "if(audio.paused)audio.play().catch(()=>{});else audio.pause();}"
    "else if(ev.key==='ArrowRight'){ev.preventDefault();select(selected+1,false);}"
    "else if(ev.key==='ArrowLeft'){ev.preventDefault();select(selected<0?0:selected-1,false);}});\n";

static const char FAMILY_CSS[PLOT_FAMILY_COUNT][8] = { "#d95f02", "#7570b3", "#1b9e77", "#e7298a", "#66a61e", "#1f78b4" };

int call_page_format_known(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) && (!strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm"));
}

int call_page_check_path(const char *path, char *err, size_t err_len)
{
    if (!call_page_format_known(path)) {
        snprintf(err, err_len, "'%s': a page's name ends in .html", path);
        return -1;
    }
    return output_file_check(path, err, err_len);
}

/* Output with the first failure remembered (errno), so the writer can carry on blindly. */
typedef struct page_out {
    output_file *f;
    int failed;
    char buf[8192];
    size_t len;
} page_out;

static void flush_out(page_out *o)
{
    if (!o->failed && o->len && output_file_write(o->f, o->buf, o->len) != 0)
        o->failed = errno ? errno : EIO;
    o->len = 0;
}

static void put(page_out *o, const char *s, size_t n)
{
    while (n) {
        if (o->len == sizeof o->buf)
            flush_out(o);
        size_t k = sizeof o->buf - o->len < n ? sizeof o->buf - o->len : n;
        memcpy(o->buf + o->len, s, k);
        o->len += k;
        s += k;
        n -= k;
    }
}

static void puts_out(page_out *o, const char *s)
{
    put(o, s, strlen(s));
}

static void printf_out(page_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_out(page_out *o, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(o, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

/* Text inside HTML (element content or an attribute in double quotes). */
static void put_html(page_out *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': puts_out(o, "&amp;"); break;
        case '<': puts_out(o, "&lt;"); break;
        case '>': puts_out(o, "&gt;"); break;
        case '"': puts_out(o, "&quot;"); break;
        default: put(o, s, 1); break;
        }
    }
}

/* A JSON text inside <script>: '<' as \u003c, so no "</script>" in the data can end it
 * (the timeline's JSON has '<' only inside strings). */
static void put_script_json(page_out *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            puts_out(o, "\\u003c");
        else if (*s != '\n')
            put(o, s, 1);
    }
}

static void put_base64(page_out *o, const unsigned char *d, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)d[i] << 16 | (i + 1 < n ? (uint32_t)d[i + 1] << 8 : 0) | (i + 2 < n ? d[i + 2] : 0);
        char q[4] = { digits[v >> 18 & 63], digits[v >> 12 & 63], i + 1 < n ? digits[v >> 6 & 63] : '=',
                      i + 2 < n ? digits[v & 63] : '=' };
        put(o, q, 4);
    }
}

/* The audio as a 16-bit mono WAV at 8 kHz, base64 as it goes (whole groups of 3 bytes). */
static void put_wav_base64(page_out *o, const float *x, size_t n)
{
    uint32_t data_len = (uint32_t)(n * 2), rate = SQ_PROCESSING_RATE_HZ;
    unsigned char h[48];
    memcpy(h, "RIFF", 4);
    uint32_t riff = 36 + data_len;
    const uint32_t fmt_len = 16, byte_rate = rate * 2;
    const uint16_t pcm = 1, channels = 1, align = 2, bits = 16;
    memcpy(h + 4, &riff, 4);   /* little-endian hosts only: the project builds for x86-64 and arm64 */
    memcpy(h + 8, "WAVEfmt ", 8);
    memcpy(h + 16, &fmt_len, 4);
    memcpy(h + 20, &pcm, 2);
    memcpy(h + 22, &channels, 2);
    memcpy(h + 24, &rate, 4);
    memcpy(h + 28, &byte_rate, 4);
    memcpy(h + 32, &align, 2);
    memcpy(h + 34, &bits, 2);
    memcpy(h + 36, "data", 4);
    memcpy(h + 40, &data_len, 4);
    unsigned char chunk[3 * 1024];
    size_t have = 44;
    memcpy(chunk, h, 44);
    for (size_t i = 0; i <= n; i++) {
        if (i < n) {
            float v = x[i] * 32768.0f;
            int16_t s = (int16_t)(v > 32767.0f ? 32767.0f : v < -32768.0f ? -32768.0f : v);
            memcpy(chunk + have, &s, 2);
            have += 2;
        }
        if (have + 2 > sizeof chunk || i == n) {
            size_t whole = i == n ? have : have - have % 3;
            put_base64(o, chunk, whole);
            memmove(chunk, chunk + whole, have - whole);
            have -= whole;
        }
    }
}

static double clamp_percent(double v)
{
    return v < 0.0 ? 0.0 : v > 100.0 ? 100.0 : v;
}

/* The lanes: per panel, the caller's and the answerer's, each event one element. */
static void put_lanes(page_out *o, const call_plot *p, const call_plot_geometry *g)
{
    const char *names[CALL_PLOT_MAX_PANELS];
    int panels = call_plot_panels(p, names);
    size_t n;
    const call_plot_item *items = call_plot_items(p, &n);
    static const char *const sides[2] = { "caller", "answerer" };
    puts_out(o, "<div class=\"lanes\">\n");
    for (int k = 0; k < panels; k++) {
        puts_out(o, "<div class=\"panel\">");
        put_html(o, names[k]);
        puts_out(o, "</div>\n");
        for (int s = 0; s < 2; s++) {
            printf_out(o, "<div class=\"lane\" data-side=\"%s\"><span class=\"side\">%s</span>\n", sides[s], sides[s]);
            for (size_t i = 0; i < n; i++) {
                const call_plot_item *it = &items[i];
                if (it->panel != k || (int)it->side != s)
                    continue;
                double x0 = clamp_percent((g->left + it->start_s / g->duration_s * g->plot_width) / g->width * 100.0);
                double x1 = clamp_percent((g->left + it->end_s / g->duration_s * g->plot_width) / g->width * 100.0);
                printf_out(o, "<div class=\"event\" data-type=\"%s\" data-t=\"%.3f\" data-end=\"%.3f\" data-i=\"%zu\" "
                              "style=\"left:%.3f%%;width:%.3f%%;background:%s\" title=\"",
                           sq_event_type_to_str(it->type), it->start_s, it->end_s, i, x0, x1 - x0,
                           FAMILY_CSS[it->family]);
                put_html(o, it->label);
                puts_out(o, ": ");
                put_html(o, it->meaning);
                puts_out(o, "\">");
                put_html(o, it->label);
                puts_out(o, "</div>\n");
            }
            puts_out(o, "</div>\n");
        }
    }
    puts_out(o, "</div>\n");
}

static void put_events_json(page_out *o, const call_plot *p)
{
    size_t n;
    const call_plot_item *items = call_plot_items(p, &n);
    puts_out(o, "const EVENTS=[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            puts_out(o, ",\n");
        if (items[i].json)
            put_script_json(o, items[i].json);
        else
            printf_out(o, "{\"t_s\":%.3f,\"end_s\":%.3f,\"type\":\"%s\"}", items[i].start_s, items[i].end_s,
                       sq_event_type_to_str(items[i].type));
    }
    puts_out(o, "];\n");
}

int call_page_write(call_plot *p, const char *path, const char *title, char *err, size_t err_len)
{
    if (call_page_check_path(path, err, err_len) != 0)
        return -1;
    size_t n_audio;
    const float *audio = call_plot_mix(p, &n_audio);
    if (!audio) {
        snprintf(err, err_len, "out of memory keeping the audio for '%s'", path);
        return -1;
    }
    unsigned char *png = NULL;
    size_t png_len = 0;
    call_plot_geometry g;
    if (call_plot_png(p, title, &png, &png_len, &g, err, err_len) != 0)
        return -1;
    page_out o = { 0 };
    if (output_file_open(path, 0, &o.f, err, err_len) != 0) {
        free(png);
        return -1;
    }
    char summary[1024];
    call_plot_summary(p, summary, sizeof summary);
    puts_out(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>squeal: ");
    put_html(&o, title);
    puts_out(&o, "</title>\n<style>\n");
    puts_out(&o, STYLE);
    puts_out(&o, "</style></head>\n<body>\n<h1>");
    put_html(&o, title);
    puts_out(&o, "</h1>\n<p class=\"summary\">");
    put_html(&o, summary);
    puts_out(&o, "</p>\n<div id=\"picture\"><img id=\"spectrogram\" alt=\"spectrogram with the call's events\" src=\"data:image/png;base64,");
    put_base64(&o, png, png_len);
    puts_out(&o, "\"><div id=\"cursor\"></div></div>\n<audio id=\"audio\" controls preload=\"auto\" src=\"data:audio/wav;base64,");
    put_wav_base64(&o, audio, n_audio);
    puts_out(&o, "\"></audio>\n<p class=\"help\">Click an event to hear it and see what it carried; click the "
                 "picture to go to that moment. Keys: space plays or pauses, the arrows go to the previous "
                 "or next event.</p>\n");
    put_lanes(&o, p, &g);
    puts_out(&o, "<pre id=\"fields\">(no event chosen)</pre>\n<script>\n");
    printf_out(&o, "const GEOMETRY={width:%.1f,height:%.1f,left:%.1f,plotWidth:%.1f,duration:%.4f};\n", g.width,
               g.height, g.left, g.plot_width, g.duration_s);
    put_events_json(&o, p);
    puts_out(&o, SCRIPT);
    puts_out(&o, "</script>\n</body></html>\n");
    flush_out(&o);
    free(png);
    if (o.failed) {
        snprintf(err, err_len, "cannot write '%s': %s", path, strerror(o.failed));
        output_file_abort(o.f);
        return -1;
    }
    return output_file_commit(o.f, err, err_len);
}
