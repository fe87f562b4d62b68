/* Tron in C: moves to the neighbouring cell from which the most empty cells can still be
 * reached (a flood fill), so it does not wall itself in. Build: make -C bots */
#include "../cagebot.h"

#define MAX_CELLS 10000

static int width, height;
static long board[MAX_CELLS];

static int reachable(int start) {
    static int stack[MAX_CELLS];
    static unsigned char seen[MAX_CELLS];
    memset(seen, 0, (size_t)(width * height));
    int n = 0, top = 0;
    stack[top++] = start;
    seen[start] = 1;
    while (top) {
        int cell = stack[--top], x = cell % width, y = cell / width;
        n++;
        int next[4] = {y > 0 ? cell - width : -1, x < width - 1 ? cell + 1 : -1,
                       y < height - 1 ? cell + width : -1, x > 0 ? cell - 1 : -1};
        for (int i = 0; i < 4; i++)
            if (next[i] >= 0 && !board[next[i]] && !seen[next[i]]) seen[next[i]] = 1, stack[top++] = next[i];
    }
    return n;
}

int main(void) {
    static char line[CB_LINE];
    static const char names[4] = {'N', 'E', 'S', 'W'};
    static const int dx[4] = {0, 1, 0, -1}, dy[4] = {-1, 0, 1, 0};
    cb_start("flood fill in C");
    while (cb_read(line, sizeof line)) {
        width = (int)cb_int(line, "width", 20);
        height = (int)cb_int(line, "height", 20);
        if (width <= 0 || height <= 0 || width * height > MAX_CELLS) return 1;
        int cells = cb_ints(line, "board", board, MAX_CELLS);
        for (int i = cells; i < width * height; i++) board[i] = 0;
        long at[2] = {0, 0}, them[2] = {-1, -1};
        cb_ints(line, "position", at, 2);
        cb_ints(line, "opponentPosition", them, 2);
        /* Cells next to the opponent's head may be taken this very step: count them as full. */
        for (int i = 0; i < 4; i++) {
            long x = them[0] + dx[i], y = them[1] + dy[i];
            if (x >= 0 && x < width && y >= 0 && y < height && !board[y * width + x]) board[y * width + x] = 9;
        }
        int best = 0, best_n = -1;
        for (int i = 0; i < 4; i++) {
            long x = at[0] + dx[i], y = at[1] + dy[i];
            if (x < 0 || x >= width || y < 0 || y >= height) continue;
            int cell = (int)(y * width + x);
            int n = board[cell] == 9 ? 0 : board[cell] ? -1 : reachable(cell);
            if (n > best_n) best = i, best_n = n;
        }
        char reply[32];
        snprintf(reply, sizeof reply, "{\"action\":\"%c\"}", names[best]);
        cb_reply(reply);
    }
    return 0;
}
