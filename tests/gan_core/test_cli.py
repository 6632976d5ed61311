import csv
import json
import subprocess
import sys

import pytest

from gan_core.cli import main


def _run(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "gan_core", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args, words", [
    (["train", "--latent-size", "0"], "--latent-size"),
    (["train", "--learning-rate", "5"], "1e-05 to 1"),
    (["train", "--target", "spiral"], "invalid choice"),
    (["train", "--steps", "-4"], "steps must be from 1"),
    (["train", "--steps", "many"], "whole number"),
    (["train", "--save-generator", "g.h5"], ".keras"),
    (["train", "--samples-csv", "/no/such/dir/x.csv"], "does not exist"),
    (["train", "--bogus"], "unrecognized"),
    (["train", "--target", "x2", "--samples-png", "x.png"], "only for image targets"),
    (["train", "--target", "digits", "--samples-png", "x.jpg"], ".png"),
    (["fly"], "invalid choice"),
    (["recommended", "--targets", "nope"], "no recommendation"),
    (["train", "--preset", "recommended", "--target", "nope"], "--target"),
    ([], "required"),
    (["bench", "--workload", "faces"], "invalid choice"),
    (["bench", "--share", "2"], "share must be above 0 and at most 1"),
    (["bench", "--quality-seconds", "nan"], "quality-seconds must be from 0"),
    (["bench", "--memory-seconds", "-1"], "memory-seconds must be from 0"),
    (["train", "--architecture", "dcgan"], "not available for function targets"),
    (["train", "--target", "letters", "--packing", "2"], "--packing"),
    (["paper", "--targets", "ring8"], "the paper's table has pacgan-ring"),
    (["paper", "--packings", "1,9"], "from 1 to 4"),
    (["paper", "--packings", "two"], "numbers from 1 to 4"),
    (["paper", "--trials", "0"], "trials must be from 1"),
    (["paper", "--samples-dir", "/no/such/dir"], "does not exist"),
])
def test_bad_arguments_exit_2_with_one_line(args, words, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert words in err


def test_bad_arguments_exit_2_as_a_process():
    proc = _run("train", "--batch-size", "2")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "--batch-size" in proc.stderr


def test_targets_json_lists_every_target():
    proc = _run("targets", "--json")
    rows = json.loads(proc.stdout)
    ids = {r["id"]: r for r in rows}
    assert ids["ring8"]["kind"] == "points" and ids["ring8"]["dim"] == 2
    assert ids["sinusoids"]["kind"] == "sequence"


def test_train_writes_json_samples_and_a_loadable_generator(tmp_path):
    csv_path, model_path = tmp_path / "s.csv", tmp_path / "g.keras"
    proc = _run("train", "--target", "x2", "--steps", "3000", "--seed", "4", "--json",
                "--samples-csv", str(csv_path), "--n-samples", "123", "--save-generator", str(model_path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    for key in ("steps", "seconds", "steps_per_second", "d_accuracy_real", "d_accuracy_fake", "metrics"):
        assert key in out
    assert out["steps"] == 3000 and out["metrics"]["mean_abs_error"] < 0.1
    rows = list(csv.reader(csv_path.open()))
    assert rows[0] == ["x", "y"] and len(rows) == 124

    import keras
    import numpy as np
    g = keras.models.load_model(model_path)
    y = g(np.zeros((4, 5), np.float32)).numpy()
    assert y.shape == (4, 2)


def test_preset_and_flags_combine():
    proc = _run("train", "--preset", "tutorial", "--steps", "50", "--json", "--hidden-nodes", "7")
    cfg = json.loads(proc.stdout)["config"]
    assert cfg["g_hidden_nodes"] == cfg["d_hidden_nodes"] == 7 and cfg["g_activation"] == cfg["d_activation"] == "relu"


def test_a_reader_that_leaves_early_is_not_an_error():
    """`python -m gan_core targets --json | head -c 100`: no BrokenPipeError traceback."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "gan_core", "targets", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the first line is written
    err = proc.stderr.read().decode()
    assert proc.wait(60) == 0 and "Traceback" not in err and "BrokenPipe" not in err


def test_help_says_what_every_flag_means():
    from gan_core.cli import build_parser

    sub = build_parser()._subparsers._group_actions[0].choices["train"]
    text = sub.format_help()
    assert "2147483647" in text and "e+09" not in text
    for action in sub._actions:
        assert action.help, action.dest


def test_recommended_trains_a_target_at_its_settings_and_judges_it():
    out = _run("recommended", "--targets", "poly4", "--seeds", "1", "--json")
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout)
    assert out.returncode == 0 and report["passed"] == report["runs"] == 1
    (run,) = report["results"]
    assert run["metrics"]["mean_abs_error"] <= 0.05 and run["missed"] == []
    cfg = json.loads(_run("train", "--preset", "recommended", "--target", "poly4", "--steps", "10", "--json").stdout)
    assert cfg["config"]["g_hidden_nodes"] == 64 and cfg["config"]["batch_size"] == 128


def test_an_image_target_writes_a_grid_of_its_fakes_and_a_row_of_pixels_per_sample(tmp_path):
    png, csv_path = tmp_path / "grid.png", tmp_path / "fakes.csv"
    proc = _run("train", "--target", "digits", "--preset", "recommended", "--steps", "5", "--json",
                "--samples-png", str(png), "--samples-csv", str(csv_path), "--n-samples", "10")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["samples_png"] == str(png) and "recognisable_share" in out["metrics"]
    from PIL import Image

    with Image.open(png) as img:  # 10 fakes in a 4-column grid of 16-pixel cells, 2 pixels apart
        assert img.mode == "L" and img.size == (4 * 18 + 2, 3 * 18 + 2)
    with open(csv_path) as fh:
        rows = list(csv.reader(fh))
    assert rows[0][:2] == ["p0", "p1"] and len(rows) == 11 and len(rows[1]) == 256


def test_the_tutorial_loop_trains_both_of_its_networks():
    """The bench's baseline runs the tutorial's loop as meant: D learns in its own calls and
    is frozen in the stacked model's (Keras 3 would otherwise leave D untrained)."""
    import numpy as np

    from gan_core.bench import tutorial_loop

    loop = tutorial_loop("x2")
    d0, g0 = ([w.numpy().copy() for w in net.weights] for net in (loop.d, loop.g))
    loop.iteration()
    loop.iteration()
    assert not all(np.array_equal(a, b.numpy()) for a, b in zip(d0, loop.d.weights))
    assert not all(np.array_equal(a, b.numpy()) for a, b in zip(g0, loop.g.weights))


def test_paper_prints_the_papers_rows_beside_ours_and_writes_the_evaluated_samples(tmp_path):
    done = _run("paper", "--targets", "pacgan-ring", "--trials", "2", "--steps", "300", "--packings", "4",
                "--samples-dir", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    ring = report["targets"]["pacgan-ring"]
    assert ring["paper"]["PacGAN4"] == [7.8, 0.959, 0.07] and ring["steps"] == 300
    ours = ring["ours"]["recommended"]
    assert len(ours["trials"]) == 2 and [t["seed"] for t in ours["trials"]] == [0, 1]
    for column in ("modes_covered", "high_quality_share", "reverse_kl", "seconds"):
        assert set(ours["summary"][column]) == {"mean", "se"}
    assert ring["ours"]["packing 4"]["packing"] == 4 and set(ring["met"]) == set(ring["goal"])
    for trial in range(2):
        with open(tmp_path / f"pacgan-ring-{trial}.csv") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == ["x", "y"] and len(rows) == 2_501
    table = _run("paper", "--targets", "pacgan-ring", "--trials", "1", "--steps", "100", "--packings", "none")
    assert table.returncode == 0 and "paper: PacGAN4" in table.stdout and "ours: recommended" in table.stdout
