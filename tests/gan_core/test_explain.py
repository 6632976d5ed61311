"""Why it moves: D's surface, G's gradient arrows and manifold, single D and G steps, and the
timeline of kept moments."""
import numpy as np
import pytest

from gan_core.config import RunConfig
from gan_core import describe_networks
from gan_core.gan import GAN, MANIFOLD_LINES, MANIFOLD_POINTS, SURFACE_GRID
from gan_core.session import TIMELINE_FRAMES, SessionError, TrainingSession

pytestmark = pytest.mark.usefixtures("no_leaked_threads")


@pytest.fixture(scope="module")
def trained_d():
    """A discriminator trained alone on the ring of 8 Gaussians against G's untrained fakes
    (a blob near the centre): it has learned where the real data is."""
    gan = GAN(RunConfig(target="ring8", seed=3, d_pretrain=1500, d_learning_rate=3e-3))
    gan.train(1)
    return gan


def _cell(expl, point):
    return np.abs(expl.ys - point[1]).argmin(), np.abs(expl.xs - point[0]).argmin()


def test_the_surface_is_ds_output_and_higher_where_the_data_is(trained_d):
    real = trained_d.target.sample(np.random.default_rng(0), 500)
    expl = trained_d.explain(real, trained_d.fake_view())
    assert expl.surface.shape == (SURFACE_GRID, SURFACE_GRID)
    assert 0.0 <= expl.surface.min() and expl.surface.max() <= 1.0
    # D's own verdict on a point equals the surface there (nsgan: the sigmoid of its score)
    x = np.array([[expl.xs[5], expl.ys[30]]], np.float32)
    verdict = 1 / (1 + np.exp(-trained_d._step.judge(trained_d._state[1], trained_d._state[5], x).numpy()))
    assert expl.surface[30, 5] == pytest.approx(float(verdict.ravel()[0]), abs=1e-4)
    at_real = np.mean([expl.surface[_cell(expl, p)] for p in real[:200]])
    at_fakes = np.mean([expl.surface[_cell(expl, p)] for p in trained_d.fake_view()[:200]])
    assert at_real > 0.6 and at_fakes < 0.4


def test_the_arrows_push_fakes_towards_the_real_data(trained_d):
    """A fake left of the Gaussian at (1, 0) is pushed right, one right of the Gaussian at
    (-1, 0) left, one below the Gaussian at (0, 1) up."""
    real = trained_d.target.sample(np.random.default_rng(0), 500)
    fakes = np.array([[0.55, 0.0], [-0.55, 0.0], [0.0, 0.55]], np.float32)
    push = trained_d.explain(real, fakes).arrows
    assert push.shape == (3, 2)
    assert push[0, 0] > 0 and push[1, 0] < 0 and push[2, 1] > 0
    # mostly along the way to the data, not sideways
    assert abs(push[0, 0]) > abs(push[0, 1]) and abs(push[2, 1]) > abs(push[2, 0])


def test_the_manifold_is_g_on_a_latent_grid():
    gan = GAN(RunConfig(target="ring8", latent_size=2, seed=1))
    expl = gan.explain(gan.target.sample(np.random.default_rng(0), 100), gan.fake_view())
    assert expl.manifold.shape == expl.manifold_cross.shape == (MANIFOLD_LINES, MANIFOLD_POINTS, 2)
    assert not expl.manifold_slice
    corner = np.array([[-1.0, -1.0]], np.float32)  # uniform noise on [-1, 1]: the grid's corner
    assert np.allclose(expl.manifold[0, 0], gan.generate(z=corner)[0], atol=1e-5)
    line = GAN(RunConfig(target="x2", latent_size=1)).explain(np.zeros((5, 2), np.float32), np.zeros((5, 2), np.float32))
    assert line.manifold.shape == (1, 4 * MANIFOLD_POINTS, 2) and line.manifold_cross.size == 0
    assert GAN(RunConfig(target="x2", latent_size=5)).explain(np.zeros((5, 2)), np.zeros((5, 2))).manifold_slice


def test_curves_and_images_have_no_surface():
    gan = GAN(RunConfig(target="sinusoids"))
    assert gan.explain(np.zeros((4, 50), np.float32), gan.fake_view(4)) is None


def test_overview_lists_the_layers_and_counts_the_parameters():
    gan = GAN(RunConfig(target="ring8", g_hidden_nodes=8, d_hidden_nodes=4))
    (g_name, g_layers, g_total), (d_name, d_layers, d_total) = gan.overview()
    assert describe_networks(gan.cfg.replace(seed=9)) == gan.overview()  # the same without a run
    assert (g_name, d_name) == ("G", "D")
    assert g_total == gan.G.count_params() == sum(p for *_, p in g_layers)
    assert d_total == gan.D.count_params() == 2 * 4 + 4 + 4 * 4 + 4 + 4 + 1
    assert [size for _, size, _ in g_layers] == ["5", "8", "8", "2"]
    assert "leaky ReLU" in g_layers[1][0]


def test_a_d_step_moves_the_surface_not_the_fakes_and_a_g_step_the_reverse():
    session = TrainingSession(RunConfig(target="ring8", seed=2))
    try:
        before = session.step(3)
        after_d = session.step_phase("d")
        assert after_d.iteration == before.iteration == 3 and after_d.d_steps_done == 1
        assert np.array_equal(after_d.fake, before.fake)
        assert np.abs(after_d.explanation.surface - before.explanation.surface).max() > 1e-4
        assert "discriminator" in after_d.message
        after_g = session.step_phase("g")
        assert after_g.iteration == 3 and after_g.g_steps_done == 1
        assert np.abs(after_g.fake - after_d.fake).max() > 1e-4
        assert np.array_equal(after_g.explanation.surface, after_d.explanation.surface)
        assert [p.iteration for p in session.snapshot().history] == [3]  # single steps are not iterations
        with pytest.raises(SessionError, match="discriminator"):
            session.step_phase("both")
    finally:
        session.close()


def test_the_timeline_keeps_earlier_moments_within_its_bound():
    session = TrainingSession(RunConfig(target="ring8", seed=2), speed=None)
    try:
        first = session.step(1).fake.copy()
        for _ in range(30):
            session.step(40)
        moments = session.timeline()
        assert moments[0] == 0 and moments[-1] == session.snapshot().iteration
        assert len(moments) <= TIMELINE_FRAMES and list(moments) == sorted(moments)
        early = session.frame(0)
        assert early.iteration == 0 and early.surface.shape == (40, 40)
        assert not np.allclose(early.fake, session.snapshot().fake, atol=1e-2)  # the fakes moved since
        assert session.frame(10**9).iteration == moments[-1]
        assert first.shape == early.fake.shape
        session.step(TIMELINE_FRAMES * 60, timeout=300)  # well past the bound: thinned, not grown
        assert len(session.timeline()) <= TIMELINE_FRAMES and session.timeline()[0] == 0
    finally:
        session.close()


def test_slow_motion_shows_one_phase_at_a_time_and_counts_whole_iterations(monkeypatch):
    import gan_core.session as session_module
    monkeypatch.setattr(session_module, "SLOW_MOTION_SECONDS", 0.15)
    session = TrainingSession(RunConfig(target="ring8", seed=4))
    try:
        session.set_slow_motion(True)
        session.start()
        seen = []
        surfaces, fakes = {}, {}

        def watch(snap):
            if snap.phase >= 0 and (not seen or seen[-1][0] != snap.phase):
                seen.append((snap.phase, snap.iteration))
                surfaces[len(seen) - 1] = snap.explanation.surface.copy()
                fakes[len(seen) - 1] = snap.fake.copy()
            return len(seen) >= 9

        assert session.wait_until(watch, timeout=30)
        phases = [p for p, _ in seen]
        start = phases.index(0)
        assert phases[start:start + 5] == [0, 1, 2, 3, 0]  # in order, one at a time
        assert session.snapshot().message in session_module.SLOW_MOTION_PHASES
        # the D phase moves the surface, not the fakes; the G phase the fakes and the count
        d, g = start + 2, start + 3
        assert np.array_equal(fakes[d], fakes[d - 1]) and not np.array_equal(surfaces[d], surfaces[d - 1])
        assert not np.array_equal(fakes[g], fakes[g - 1]) and np.array_equal(surfaces[g], surfaces[g - 1])
        assert seen[g][1] == seen[d][1] + 1
        session.pause()
        session.set_slow_motion(False)
        assert session.snapshot().phase == -1
        history = [p.iteration for p in session.snapshot().history]
        assert history == sorted(set(history))  # one chart point per whole iteration, none for a phase
    finally:
        session.close()
