"""`python -m bench` refuses bad flags with one line and status 2, before starting anything."""
import subprocess
import sys

import pytest

from bench.__main__ import verdicts


@pytest.mark.parametrize("args, words", [
    (["--users", "0"], "--users must be from 1 to 60"),
    (["--users", "many"], "--users must be a number"),
    (["--seconds", "nan"], "--seconds must be from 1 to 600"),
    (["--seconds", "-3"], "--seconds must be from 1 to 600"),
    (["--target", "nope"], "--target must be one of x2"),
    (["--classroom", "--followers", "0"], "--followers must be from 1 to 200"),
])
def test_bad_flags_exit_2_with_one_line(args, words):
    done = subprocess.run([sys.executable, "-m", "bench", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().count("\n") == 0 and words in done.stderr


def test_verdicts_compare_each_figure_with_its_target():
    report = {"startup_seconds": 12.0, "streaming_ratio": 0.97, "tick_payload_bytes_max": 9000}
    v = verdicts(report)
    assert not v["startup_seconds"]["met"] and v["streaming_ratio"]["met"] and v["tick_payload_bytes_max"]["met"]
    assert not v["first_frame_seconds"]["met"]  # a figure that was never measured is not met


def test_image_targets_are_judged_by_the_pages_they_keep_moving():
    v = verdicts({"target": "letters", "tick_payload_bytes_max": 30_000, "many_users_updates_per_second_min": 2.5})
    assert v["tick_payload_bytes_max"]["met"] and v["many_users_updates_per_second_min"]["met"]
    assert "many_users_steps_per_second_min" not in v  # letters train at tens of iterations a second


def test_a_classroom_report_is_judged_by_the_classroom_targets():
    v = verdicts({"followers": 60, "followers_updates_per_second_min": 5.5, "followers_tick_server_ms_p95": 60.0,
                  "presenter_speed_ratio": 0.9, "shared_link_first_frame_seconds": 0.2})
    assert set(v) == {"followers_updates_per_second_min", "followers_tick_server_ms_p95", "presenter_speed_ratio",
                      "shared_link_first_frame_seconds"}
    assert v["followers_updates_per_second_min"]["met"] and not v["followers_tick_server_ms_p95"]["met"]


def test_paired_turns_are_judged_by_their_median_and_pooled_beside_it():
    from bench.__main__ import summary

    # five pairs at 96 %, one where only the headless run fell into the machine's slow speed
    turns = [{"headless": 18_000.0, "streaming": 17_280.0}] * 5 + [{"headless": 11_000.0, "streaming": 17_000.0}]
    paired = summary(turns)
    assert paired["median"] == 0.96
    assert paired["pooled"] == round((5 * 17_280 + 17_000) / (5 * 18_000 + 11_000), 3)
