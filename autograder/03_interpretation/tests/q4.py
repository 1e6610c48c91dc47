from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 2

@test_case(points=1, hidden=False)
def test_q4_simple(top_window):
    """A small example: the window with the largest summed attribution is found."""
    import numpy as np
    assert callable(top_window), 'define top_window(attributions, width) above and run it'
    attributions = np.zeros((10, 4))
    attributions[6:9, 2] = 1.0
    got = top_window(attributions, 3)
    assert int(got) == 6, f'the attribution sits at positions 6-8, so the window starts at 6; got {got}'

@test_case(points=1, hidden=True)
def test_q4_brute_force(top_window):
    """Random attributions and widths match a brute-force search; ties give the first start."""
    import numpy as np
    rng = np.random.default_rng(9)
    for length, width in ((30, 5), (50, 15), (15, 15), (8, 1)):
        attributions = rng.normal(size=(length, 4))
        sums = [attributions[s:s + width].sum() for s in range(length - width + 1)]
        assert int(top_window(attributions, width)) == int(np.argmax(sums)), f'wrong start for width {width}'
    assert int(top_window(np.zeros((6, 4)), 2)) == 0, 'ties: return the first start'

