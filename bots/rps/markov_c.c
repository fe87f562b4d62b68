/* Rock-Paper-Scissors in C: a first-order Markov model of the opponent. It counts which
 * sign followed each of the opponent's signs, predicts the likeliest next one and plays
 * what beats it. State lives across moves: the process lasts the match. Build: make -C bots */
#include "../cagebot.h"

int main(void) {
    static char line[CB_LINE];
    unsigned long long seed = cb_start("markov in C");
    long counts[5][5] = {{0}};
    long previous = -1;
    srand((unsigned)seed);
    while (cb_read(line, sizeof line)) {
        int signs = (int)cb_int(line, "signs", 3);
        long last = cb_int(line, "lastOpponentAction", -1); /* absent on step 0 */
        if (signs < 3 || signs > 5) signs = 3;
        if (last >= 0 && last < signs && previous >= 0) counts[previous][last]++;
        int action = rand() % signs;
        if (last >= 0 && last < signs) {
            int predicted = -1;
            for (int s = 0; s < signs; s++)
                if (counts[last][s] > 0 && (predicted < 0 || counts[last][s] > counts[last][predicted]))
                    predicted = s;
            if (predicted >= 0) action = (predicted + 1) % signs;
            previous = last;
        }
        char reply[32];
        snprintf(reply, sizeof reply, "{\"action\":%d}", action);
        cb_reply(reply);
    }
    return 0;
}
