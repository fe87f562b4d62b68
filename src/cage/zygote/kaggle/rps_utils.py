"""kaggle_environments.envs.rps.utils: the score of one round, from the left player's side
(1 win, -1 loss, 0 draw) for any odd number of signs."""
import math


def get_score(left_move, right_move):
    delta = (
        right_move - left_move
        if (left_move + right_move) % 2 == 0
        else left_move - right_move
    )
    return 0 if delta == 0 else math.copysign(1, delta)
