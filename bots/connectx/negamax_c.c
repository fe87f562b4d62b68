/* ConnectX in C: negamax with alpha-beta to a fixed depth (7 plies, so the same position
 * always gets the same move), centre columns first. Build: make -C bots */
#include "../cagebot.h"

#define MAX_CELLS 400
#define DEPTH 7
#define WIN 1000000L

static int rows, cols, inarow;
static int board[MAX_CELLS];

static int top(int c) { /* lowest empty row in column c, or -1 */
    for (int r = rows - 1; r >= 0; r--)
        if (!board[r * cols + c]) return r;
    return -1;
}

static int count(int r, int c, int dr, int dc, int mark) {
    int n = 0;
    for (r += dr, c += dc; r >= 0 && r < rows && c >= 0 && c < cols && board[r * cols + c] == mark;
         r += dr, c += dc)
        n++;
    return n;
}

static int wins(int r, int c, int mark) { /* does the disc just dropped at r,c complete a line? */
    static const int dirs[4][2] = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};
    for (int d = 0; d < 4; d++)
        if (1 + count(r, c, dirs[d][0], dirs[d][1], mark) + count(r, c, -dirs[d][0], -dirs[d][1], mark) >= inarow)
            return 1;
    return 0;
}

/* Heuristic: open windows of inarow cells, weighted by how full they are. */
static long score(int mark) {
    long s = 0;
    static const int dirs[4][2] = {{0, 1}, {1, 0}, {1, 1}, {1, -1}};
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            for (int d = 0; d < 4; d++) {
                int mine = 0, theirs = 0, k;
                for (k = 0; k < inarow; k++) {
                    int rr = r + k * dirs[d][0], cc = c + k * dirs[d][1];
                    if (rr < 0 || rr >= rows || cc < 0 || cc >= cols) break;
                    int v = board[rr * cols + cc];
                    if (v == mark) mine++;
                    else if (v) theirs++;
                }
                if (k < inarow || (mine && theirs)) continue;
                if (mine) s += 1L << (2 * mine); /* 4^mine */
                if (theirs) s -= 1L << (2 * theirs);
            }
    return s;
}

static int order[64];

static long negamax(int depth, long alpha, long beta, int mark) {
    int moved = 0;
    if (depth == 0) return score(mark);
    for (int i = 0; i < cols; i++) {
        int c = order[i], r = top(c);
        if (r < 0) continue;
        moved = 1;
        board[r * cols + c] = mark;
        long v = wins(r, c, mark) ? WIN + depth : -negamax(depth - 1, -beta, -alpha, 3 - mark);
        board[r * cols + c] = 0;
        if (v > alpha) alpha = v;
        if (alpha >= beta) break;
    }
    return moved ? alpha : 0; /* a full board is a draw */
}

int main(void) {
    static char line[CB_LINE];
    cb_start("negamax in C");
    while (cb_read(line, sizeof line)) {
        rows = (int)cb_int(line, "rows", 6);
        cols = (int)cb_int(line, "columns", 7);
        inarow = (int)cb_int(line, "inarow", 4);
        if (rows * cols > MAX_CELLS || cols > 64) {
            fprintf(stderr, "board too large for this bot\n");
            return 1;
        }
        long cells[MAX_CELLS];
        int n = cb_ints(line, "board", cells, MAX_CELLS);
        for (int i = 0; i < rows * cols; i++) board[i] = i < n ? (int)cells[i] : 0;
        int mark = (int)cb_int(line, "mark", 1);
        for (int i = 0; i < cols; i++) /* centre first: c, c-1, c+1, ... */
            order[i] = cols / 2 + (i % 2 ? -(i + 1) / 2 : i / 2);
        int best = -1;
        long best_v = -2 * WIN;
        for (int i = 0; i < cols; i++) {
            int c = order[i], r = top(c);
            if (r < 0) continue;
            board[r * cols + c] = mark;
            long v = wins(r, c, mark) ? WIN + DEPTH : -negamax(DEPTH - 1, -2 * WIN, -best_v, 3 - mark);
            board[r * cols + c] = 0;
            if (best < 0 || v > best_v) best = c, best_v = v;
        }
        char reply[64];
        snprintf(reply, sizeof reply, "{\"action\":%d}", best < 0 ? 0 : best);
        cb_reply(reply);
    }
    return 0;
}
