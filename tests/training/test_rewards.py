"""geosleuth.training.rewards against values computed by hand.

Distances on the equator are hand-computable: two points on it are joined by the
equator itself, so d = a · Δλ with a = 6378.137 km (WGS84), 111.31949 km a degree.
"""

from __future__ import annotations

import math

import pytest

from geosleuth.training import rewards as R

KM_PER_DEG = 6378.137 * math.pi / 180.0  # 111.319491 km along the equator


def deg(km: float) -> float:
    return km / KM_PER_DEG


@pytest.mark.parametrize(("d", "expected"), [
    (0.0, 1.0), (0.5, 1.0), (0.5001, 0.8), (2.0, 0.8), (2.0001, 0.6), (10.0, 0.6),
    (10.0001, 0.4), (25.0, 0.4), (25.0001, 0.2), (200.0, 0.2), (200.0001, 0.1),
    (750.0, 0.1), (750.0001, 0.0), (20_000.0, 0.0), (None, 0.0), (math.inf, 0.0),
])
def test_twm_step_reward_at_every_threshold(d: float | None, expected: float) -> None:
    assert R.twm_step_reward(d) == expected


@pytest.mark.parametrize(("d", "expected"), [
    (0.0, 1.0), (1492.7, math.exp(-1)), (2 * 1492.7, math.exp(-2)), (None, 0.0),
    (25.0, 0.983391),  # exp(-25/1492.7) = exp(-0.016748) = 0.983391
])
def test_geoscore_reward(d: float | None, expected: float) -> None:
    assert R.geoscore_reward(d) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(("d", "expected"), [
    (0.2, 1.0), (1.0, 1.0), (13.0, 0.875), (25.0, 0.75), (112.5, 0.625), (200.0, 0.5),
    (475.0, 0.375), (750.0, 0.25), (1625.0, 0.125), (2500.0, 0.0), (3000.0, 0.0),
    (None, 0.0),
])
def test_reverse_accuracy_is_piecewise_linear(d: float | None, expected: float) -> None:
    assert R.reverse_accuracy(d) == pytest.approx(expected)


def test_reverse_composite_weights() -> None:
    assert R.reverse_reward(1.0, 1.0, 1.0) == pytest.approx(1.0)
    assert R.reverse_reward(200.0, 1.0, 0.5) == pytest.approx(0.6 * 0.5 + 0.1 + 0.15)
    assert R.reverse_reward(None, 0.0, 0.0) == 0.0
    assert R.tool_use_reward(0, 0) == 0.0
    assert R.tool_use_reward(4, 1) == 0.75


def test_distance_on_the_equator_is_a_times_delta_lambda() -> None:
    assert R.distance_km((0.0, 10.0), (0.0, 10.0 + deg(2.0))) == pytest.approx(2.0, abs=1e-6)
    assert R.distance_km((91.0, 0.0), (0.0, 0.0)) is None
    assert R.distance_km(None, (0.0, 0.0)) is None


def test_across_the_antimeridian() -> None:
    # 179.999 E and 179.999 W are 0.002 degrees apart: 0.22264 km, not 40,000 km.
    d = R.distance_km((0.0, 179.999), (0.0, -179.999))
    assert d == pytest.approx(0.002 * KM_PER_DEG, abs=1e-6)
    assert R.twm_step_reward(d) == 1.0
    # 0.009 degrees = 1.00188 km across the line: the 2 km step.
    far = R.distance_km((0.0, 179.9955), (0.0, -179.9955))
    assert far == pytest.approx(1.001875, abs=1e-5)
    assert R.twm_step_reward(far) == 0.8
    truth = [{"lat": 0.0, "lon": -179.999}]
    out = R.reward(['{"lat": 0.0, "lon": 179.999}'], truth)
    assert out == [1.0]
    assert R.geoscore(['{"lat": 0.0, "lon": 179.999}'], truth) == [
        pytest.approx(math.exp(-0.002 * KM_PER_DEG / 1492.7))]
    # Each threshold crossed on the other side of the line, at 10 km and at 25 km.
    for km, inside, outside in ((10.0, 0.6, 0.4), (25.0, 0.4, 0.2), (750.0, 0.1, 0.0)):
        half = deg(km) / 2
        near = {"role": "assistant", "content": f'{{"lat": 0, "lon": {180 - half * 0.999}}}'}
        assert R.reward([[near]], [[0.0, -180 + half * 0.999]]) == [inside]
        assert R.reward([f'{{"lat": 0, "lon": {180 - half * 1.001}}}'],
                        [[0.0, -180 + half * 1.001]]) == [outside]


def test_answers_are_found_in_the_forms_a_model_writes() -> None:
    call = ('I think Paris. <tool_call>{"name": "submit_verdict", "arguments": '
            '{"lat": 48.8584, "lon": 2.2945, "radius_km": 1, "evidence": ["E1"]}}</tool_call>')
    assert R.answer_point(call) == (48.8584, 2.2945)
    protocol = ('{"thought": "t", "calls": [{"name": "map_search", "arguments": {"q": "x"}}, '
                '{"name": "submit_verdict", "arguments": {"lat": 1.5, "lon": 2.5}}]}')
    assert R.answer_point(protocol) == (1.5, 2.5)
    openai = {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {
        "name": "submit_verdict", "arguments": '{"lat": -33.86, "lon": 151.21}'}}]}
    assert R.answer_point(R.completion_text([openai])) == (-33.86, 151.21)
    # The first answer counts, as Thinking with Map scores it.
    assert R.answer_point('{"lat": 1, "lon": 2} then {"lat": 3, "lon": 4}') == (1.0, 2.0)
    assert R.answer_point("no JSON here {not json}") is None
    assert R.format_reward('{"lat": 95, "lon": 0}') == 0.0
    assert R.format_reward('{"lat": 45, "lon": 0}') == 1.0


def test_reverse_callback_counts_tool_use_and_format() -> None:
    good = ('{"thought": "", "calls": [{"name": "ocr_signage", "arguments": {}}, '
            '{"name": "submit_verdict", "arguments": {"lat": 0, "lon": 0}}]}')
    unknown = '{"calls": [{"name": "teleport", "arguments": {}}], "lat": 0, "lon": 0}'
    bare = '{"lat": 0, "lon": 0}'
    out = R.reverse([good, unknown, bare, "nothing"], [[0.0, 0.0]] * 4,
                    tools=["ocr_signage", "map_search"])
    assert out == pytest.approx([1.0, 0.7, 0.7, 0.0])


def test_callbacks_take_truth_as_text_or_mapping_and_check_lengths() -> None:
    assert R.reward(['{"lat": 0, "lon": 0}'] * 3,
                    ['{"lat": 0, "lon": 0}', {"lat": 0, "lon": 0, "country": "GQ"}, None]
                    ) == [1.0, 1.0, 0.0]
    with pytest.raises(ValueError, match="2 completions but 1"):
        R.reward(["a", "b"], [None])
