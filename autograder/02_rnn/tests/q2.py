from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=1, hidden=False)
def test_q2_small_hybrid(hybrid_param_count):
    """The count for Conv1D(8, 5) -> MaxPooling1D(4) -> Bidirectional(LSTM(6)) -> Dense(1) is right."""
    from keras.src.backend.common import global_state
    assert callable(hybrid_param_count), 'define hybrid_param_count(n_filters, width, pool, units) and run it'
    names = global_state.get_global_attribute('object_name_uids')
    before = dict(names) if names else {}
    got = hybrid_param_count(8, 5, 4, 6)
    names = global_state.get_global_attribute('object_name_uids')
    after = dict(names) if names else {}
    built = sorted((name for name in set(before) | set(after) if after.get(name, 0) != before.get(name, 0)))
    assert not built, f'hybrid_param_count built Keras layers ({', '.join(built)}): work the count out from a formula, layer by layer, without building the model'
    assert isinstance(got, int) or float(got).is_integer(), f'return a whole number, got {got!r}'
    got = int(got)
    conv, dense = (8 * (5 * 4 + 1), 2 * 6 + 1)
    both_lstms = 2 * 4 * 6 * (8 + 6 + 1)
    hints = {conv + 2 * 4 * 6 * (4 + 6 + 1) + dense: 'The LSTM does not read the 4 bases: at each step it reads the n_filters scores that the convolution (after pooling) gives there.', conv + both_lstms // 2 + dense: 'Bidirectional holds TWO LSTMs, one per direction.', conv + both_lstms + 6 + 1: "The Dense layer reads both directions' states: 2 * units numbers.", 8 * 5 * 4 + both_lstms + dense: 'Each Conv1D filter also has a bias.'}
    hint = hints.get(got, 'Count layer by layer: the kernel and bias of each Conv1D filter, the input, recurrent and bias weights of each LSTM gate and of the candidate, and the Dense layer.')
    assert got == 901, f'hybrid_param_count(8, 5, 4, 6) should be 901, got {got}. {hint}'

@test_case(points=1, hidden=True)
def test_q2_matches_keras(hybrid_param_count):
    """The count equals Keras's count_params() for hybrids of several sizes and pool widths."""
    import keras
    import numpy as np
    rng = np.random.default_rng(3)
    sizes = [(1, 1, 1, 1), (32, 12, 8, 16), *rng.integers(1, 40, (4, 4)).tolist()]
    for n_filters, width, pool, units in sizes:
        model = keras.Sequential([keras.Input((200, 4)), keras.layers.Conv1D(int(n_filters), int(width)), keras.layers.MaxPooling1D(int(pool)), keras.layers.Bidirectional(keras.layers.LSTM(int(units))), keras.layers.Dense(1)])
        expected = model.count_params()
        got = hybrid_param_count(int(n_filters), int(width), int(pool), int(units))
        assert int(got) == expected, f'hybrid_param_count({n_filters}, {width}, {pool}, {units}) = {got}, Keras counts {expected}'

