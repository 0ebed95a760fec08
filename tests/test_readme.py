"""The README renders as written: its code blocks close, and the benchmarks it names exist."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^ {0,3}(`{3,})(.*)$")


def fence_problems(text: str) -> list[str]:
    """Where the ``` fences do not pair up (CommonMark's rule: a closing fence has no info string).

    A fence that names a language inside an open block is reported too: the block before it was
    never closed, so everything from there renders as code until the fences happen to pair again.
    """
    problems, opened = [], None  # opened: (line number, backticks) of the open block
    for number, line in enumerate(text.splitlines(), 1):
        match = FENCE.match(line)
        if match is None:
            continue
        ticks, info = match.group(1), match.group(2).strip()
        if opened is None:
            opened = (number, ticks)
        elif len(ticks) < len(opened[1]):
            continue  # shorter fences are text inside a longer one
        elif not info:
            opened = None
        else:
            problems.append(f"line {number}: ```{info} inside the block opened on line {opened[0]}")
    if opened is not None:
        problems.append(f"line {opened[0]}: the block opened here is never closed")
    return problems


def test_readme_code_fences_pair_up():
    assert fence_problems((ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_a_block_left_open_before_the_next_one_is_reported():
    text = "Benchmark:\n\n```sh\npython bench/matching.py\n## Education\n\n```sh\npython bench/x.py\n```\n"
    assert fence_problems(text) == ["line 7: ```sh inside the block opened on line 3"]


def test_a_block_left_open_at_the_end_is_reported():
    assert fence_problems("text\n```\ncode\n") == ["line 2: the block opened here is never closed"]


def test_closed_blocks_and_backticks_inside_longer_fences_pass():
    assert fence_problems("```sh\nmake run\n```\n\n````md\n```sh\nx\n```\n````\n") == []


def test_every_benchmark_the_readme_names_exists():
    named = set(re.findall(r"\bbench/[\w/]+\.py\b", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert named, "the README names no benchmark"
    assert sorted(path for path in named if not (ROOT / path).is_file()) == []
