"""The sandbox's fault dice: a seed replays them, on the control API and on the command line."""

from __future__ import annotations

import re
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import ROOT, Sandbox, start_sandbox

from c2t_wizard.sandbox.faults import Faults, FaultSpecError

# Every outcome the dice can give a discovery request: 200, 429, 503 or a dropped connection.
SPEC = "429=0.2,503=0.2,drop=0.1"
DROPPED = 0


def client(box: Sandbox) -> httpx.Client:
    context = ssl.create_default_context(cafile=box["ca_cert"])
    return httpx.Client(verify=context, trust_env=False, timeout=10)


@pytest.fixture
def https(clean_faults: Sandbox) -> Iterator[httpx.Client]:
    with client(clean_faults) as opened:
        yield opened


def discover(https: httpx.Client, box: Sandbox, tenant: str = "contoso.onmicrosoft.com") -> int:
    """The status of one discovery request (``DROPPED`` when the connection was closed without an answer)."""
    try:
        return https.get(f"{box['login']}/{tenant}/v2.0/.well-known/openid-configuration").status_code
    except httpx.TransportError:
        return DROPPED


def statuses(https: httpx.Client, box: Sandbox, count: int = 30) -> list[int]:
    """``count`` discovery requests one after the other: what each got."""
    return [discover(https, box) for _ in range(count)]


def set_spec(box: Sandbox, spec: str) -> dict[str, object]:
    """POST a spec as given (no seed added), the answer as JSON."""
    response = httpx.post(f"{box.base}/_sandbox/faults", json={"spec": spec}, timeout=5, trust_env=False)
    response.raise_for_status()
    answer: dict[str, object] = response.json()
    return answer


# --- parsing ----------------------------------------------------------------------------------------------


def test_a_seed_is_parsed_and_kept_in_the_spec() -> None:
    faults = Faults.parse("429=0.1, seed=42")
    assert faults.seed == 42
    assert faults.values == {"429": 0.1}
    assert faults.spec == "429=0.1,seed=42"
    assert Faults.parse("seed=0").spec == "seed=0"
    assert Faults.parse("429=0.1").seed is None
    assert Faults.parse(f"seed={2**64 - 1}").seed == 2**64 - 1


@pytest.mark.parametrize("value", ["abc", "-1", "1.5", "1e3", "0x10", str(2**64)])
def test_a_bad_seed_is_refused_with_a_clear_message(value: str) -> None:
    message = f"fault seed: '{value}' is not a whole number from 0 to {2**64 - 1}"
    with pytest.raises(FaultSpecError, match=re.escape(message)):
        Faults.parse(f"429=0.1,seed={value}")


def test_an_empty_seed_is_refused() -> None:
    with pytest.raises(FaultSpecError, match=re.escape("fault 'seed=': expected key=value")):
        Faults.parse("seed=")


# --- the control API --------------------------------------------------------------------------------------


def test_the_same_seed_replays_the_same_faults_on_one_connection(
    clean_faults: Sandbox, https: httpx.Client
) -> None:
    spec = clean_faults.set_faults(f"{SPEC},seed=1234")
    assert spec == f"{SPEC},seed=1234"
    first = statuses(https, clean_faults)
    assert set(first) == {200, 429, 503, DROPPED}, f"{spec}: {first}"  # the dice did roll
    clean_faults.set_faults(f"{SPEC},seed=1234")  # setting it again re-seeds
    assert statuses(https, clean_faults) == first, spec
    clean_faults.set_faults(f"{SPEC},seed=1235")
    assert statuses(https, clean_faults) != first, "another seed, other dice"


def test_without_a_seed_one_is_chosen_shown_and_replayable(
    clean_faults: Sandbox, https: httpx.Client
) -> None:
    answer = set_spec(clean_faults, SPEC)
    match = re.fullmatch(rf"{re.escape(SPEC)},seed=(\d+)", str(answer["spec"]))
    assert match, answer
    assert answer["seed"] == int(match.group(1))
    assert httpx.get(f"{clean_faults.base}/_sandbox/faults", trust_env=False).json() == answer
    first = statuses(https, clean_faults)
    assert set_spec(clean_faults, str(answer["spec"])) == answer
    assert statuses(https, clean_faults) == first, answer["spec"]
    # With no faults at all the seed still counts (it orders a $batch's answers): it is shown too.
    assert re.fullmatch(r"seed=\d+", str(set_spec(clean_faults, "")["spec"]))


def test_other_paths_between_requests_do_not_change_their_dice(
    clean_faults: Sandbox, https: httpx.Client
) -> None:
    spec = clean_faults.set_faults(f"{SPEC},seed=77")
    alone = statuses(https, clean_faults, 20)
    clean_faults.set_faults(spec)
    interleaved = []
    for _ in range(20):
        interleaved.append(discover(https, clean_faults))
        discover(https, clean_faults, "fabrikam.onmicrosoft.com")
        discover(https, clean_faults, "organizations")
    assert interleaved == alone, spec


def test_a_bad_seed_is_refused_by_the_control_api(clean_faults: Sandbox) -> None:
    before = httpx.get(f"{clean_faults.base}/_sandbox/faults", trust_env=False).json()
    response = httpx.post(
        f"{clean_faults.base}/_sandbox/faults", json={"spec": "503=1,seed=soon"}, trust_env=False
    )
    assert response.status_code == 400
    assert response.json() == {"error": f"fault seed: 'soon' is not a whole number from 0 to {2**64 - 1}"}
    assert httpx.get(f"{clean_faults.base}/_sandbox/faults", trust_env=False).json() == before


# --- the command line ---------------------------------------------------------------------------------


def test_a_seed_on_the_command_line_gives_the_same_dice(
    tmp_path: Path, clean_faults: Sandbox, https: httpx.Client
) -> None:
    spec = f"{SPEC},seed=99"
    other = start_sandbox(tmp_path, "--log-level", "WARNING", "--faults", spec)
    try:
        shown = httpx.get(f"{other.base}/_sandbox/faults", trust_env=False).json()
        assert shown == {"spec": spec, "seed": 99}
        with client(other) as other_https:
            from_the_command_line = statuses(other_https, other)
    finally:
        other.stop()
    clean_faults.set_faults(spec)
    assert statuses(https, clean_faults) == from_the_command_line, spec


def test_the_command_line_refuses_a_bad_seed(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "c2t_wizard.sandbox", "--state", str(tmp_path), "--faults", "503=1,seed=x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    assert "--faults: fault seed: 'x' is not a whole number" in done.stderr
    assert done.stdout == ""
