/* Iterated Prisoner's Dilemma in C: Pavlov (win-stay, lose-shift). Cooperate first; then
 * repeat the last move if the opponent cooperated (a good payoff), switch if it defected.
 * Build: make -C bots */
#include "../cagebot.h"

/* The last "C" or "D" in the array under key, or 0 when it is empty. */
static char last_of(const char *line, const char *key) {
    const char *v = cb_find(line, key);
    char last = 0;
    if (!v || *v != '[') return 0;
    for (v++; *v && *v != ']'; v++)
        if ((*v == 'C' || *v == 'D') && v[-1] == '"') last = *v;
    return last;
}

int main(void) {
    static char line[CB_LINE];
    cb_start("pavlov in C");
    while (cb_read(line, sizeof line)) {
        char mine = last_of(line, "history"), theirs = last_of(line, "opponentHistory");
        char action = 'C';
        if (mine) action = theirs == 'C' ? mine : (mine == 'C' ? 'D' : 'C');
        char reply[32];
        snprintf(reply, sizeof reply, "{\"action\":\"%c\"}", action);
        cb_reply(reply);
    }
    return 0;
}
