from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=1, hidden=False)
def test_q2_one_hot_dna(lstm_param_count):
    """The parameter counts for one-hot DNA input (d = 4) are right."""
    assert callable(lstm_param_count), 'define lstm_param_count(input_dim, units) above and run the cell'
    got = lstm_param_count(4, 32)
    assert isinstance(got, (int,)) or float(got).is_integer(), f'return a whole number, got {got!r}'
    assert int(got) == 4736, f'lstm_param_count(4, 32) should be 4736, got {got}. Count, for each of the three gates and the candidate, the input weights, the recurrent weights and the biases.'

@test_case(points=1, hidden=True)
def test_q2_matches_keras(lstm_param_count):
    """The count equals Keras's count_params() for LSTMs of several sizes."""
    import keras
    import numpy as np
    rng = np.random.default_rng(3)
    for input_dim, units in [(1, 1), (20, 7), *rng.integers(1, 65, (4, 2)).tolist()]:
        layer = keras.layers.LSTM(int(units))
        layer.build((None, None, int(input_dim)))
        expected = layer.count_params()
        got = lstm_param_count(int(input_dim), int(units))
        assert int(got) == expected, f'lstm_param_count({input_dim}, {units}) = {got}, Keras counts {expected}'

