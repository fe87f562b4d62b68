/* cagebot.h — the few helpers a C bot for cagematch needs. Copy it next to your bot.
 *
 * The protocol (docs in the README, "Compiled bots"): one JSON object per line each way.
 *
 *   cagematch → bot   {"seed":8731}                        once, first
 *   bot → cagematch   {"ready":"my bot"}                   within the load budget
 *   cagematch → bot   {"obs":{...},"config":{...}}         once per move
 *   bot → cagematch   {"action":3}                         within the move budget
 *
 * Write each reply as one line and flush it (cb_reply does). Anything you print to
 * stderr is the bot's log, kept with the move in the replay. stdin closes when the
 * match ends; just return.
 *
 * cagematch writes compact JSON (no spaces) and the same keys every time, so finding a
 * key by name is enough for these examples; use a real JSON parser for anything more. */
#ifndef CAGEBOT_H
#define CAGEBOT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest request line: a 20x20 Tron board is under 2 KiB, a long IPD history ~10 KiB. */
#define CB_LINE (1 << 20)

/* Reads one request into buf (without the newline). Returns 0 when the match is over. */
static inline int cb_read(char *buf, size_t size) {
    if (!fgets(buf, (int)size, stdin)) return 0;
    buf[strcspn(buf, "\n")] = 0;
    return 1;
}

/* Writes one reply line and flushes it: a reply stuck in a buffer is a timeout. */
static inline void cb_reply(const char *json) {
    fputs(json, stdout);
    fputc('\n', stdout);
    fflush(stdout);
}

/* Points at the value of the first "key": in json, or NULL. */
static inline const char *cb_find(const char *json, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(json, pattern);
    return at ? at + strlen(pattern) : NULL;
}

/* The integer value of "key", or fallback when it is missing. */
static inline long cb_int(const char *json, const char *key, long fallback) {
    const char *v = cb_find(json, key);
    return v ? strtol(v, NULL, 10) : fallback;
}

/* Reads the array of integers under "key" into out (at most max); returns how many. */
static inline int cb_ints(const char *json, const char *key, long *out, int max) {
    const char *v = cb_find(json, key);
    int n = 0;
    if (!v || *v != '[') return 0;
    v++;
    while (*v && *v != ']' && n < max) {
        char *end;
        out[n++] = strtol(v, &end, 10);
        v = end;
        while (*v == ',' || *v == ' ') v++;
    }
    return n;
}

/* The load handshake: reads the seed and says ready. Returns the seed. */
static inline unsigned long long cb_start(const char *name) {
    static char line[256];
    if (!cb_read(line, sizeof line)) exit(0);
    unsigned long long seed = strtoull(cb_find(line, "seed") ? cb_find(line, "seed") : "0", NULL, 10);
    char reply[128];
    snprintf(reply, sizeof reply, "{\"ready\":\"%s\"}", name);
    cb_reply(reply);
    return seed;
}

#endif
