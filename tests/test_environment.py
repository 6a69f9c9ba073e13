"""The three descriptions of the environment agree.

pyproject.toml (pip, lower bounds), environment.yml (conda-forge / Binder) and
constraints.txt (exact pins) are edited by hand or regenerated separately; these
tests fail, naming the packages, as soon as one of them drifts from the others.
"""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

# conda-forge name -> PyPI name, where they differ.  None in our set today; an entry
# would look like "pytorch": "torch".
CONDA_TO_PIP: dict[str, str] = {}

# conda-only entries of environment.yml that are not Python dependencies of nnlib.
CONDA_ONLY = {"python", "pip"}

_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)")


def normalise(name: str) -> str:
    """'PyYAML' -> 'pyyaml', 'jupyter_core' -> 'jupyter-core' (PEP 503, as pip compares)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def split_spec(spec: str) -> tuple[str, str]:
    """'numpy >= 1.24' -> ('numpy', '>=1.24'); extras and markers are dropped."""
    spec = spec.split(";", 1)[0]
    spec = spec.split("::", 1)[-1]  # conda's 'channel::name'
    match = _NAME.fullmatch(spec)
    if match is None:
        raise ValueError(f"cannot read a package name from {spec!r}")
    name, rest = match.groups()
    rest = re.sub(r"\[.*?\]", "", rest)  # extras: 'pkg[extra]>=1'
    return normalise(name), rest.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    """Runtime dependencies and every extra of pyproject.toml: normalised name -> version spec."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    return dict(split_spec(s) for s in specs)


def test_runtime_dependencies_are_only_what_nnlib_imports():
    """`pip install nnlib` (the browser edition's kernel does it) must not pull in the
    notebook stack: the runtime list is exactly the third-party packages nnlib imports at
    module level, everything else lives in an extra ('lab', 'dev') that make installs."""
    import ast
    import sys

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {split_spec(s)[0] for s in project["dependencies"]}
    imported = set()
    for path in (ROOT / "nnlib").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:   # module level only
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module
                     else [])
            imported |= {n.split(".")[0] for n in names}
    distribution = {"PIL": "pillow"}   # import name -> PyPI name, where they differ
    third_party = {normalise(distribution.get(n, n)) for n in imported
                   if n not in sys.stdlib_module_names and n not in ("nnlib", "__future__")}
    assert runtime == third_party, (
        f"nnlib's runtime dependencies should be exactly what it imports at module level: "
        f"declared {sorted(runtime)}, imported {sorted(third_party)}")


def load_environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def conda_requirements(env: dict) -> dict[str, str]:
    """environment.yml's conda packages, under PyPI names, minus python and pip."""
    found = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, rest = split_spec(dep)
            if name not in CONDA_ONLY:
                found[CONDA_TO_PIP.get(name, name)] = rest
    return found


def conda_pip_section(env: dict) -> list[str]:
    sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    return [line.strip() for section in sections for line in section]


def constraint_pins() -> dict[str, str]:
    """constraints.txt: normalised name -> the full line, for every non-comment line."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _ = split_spec(line)
            pins[name] = line
    return pins


def test_environment_yml_lists_the_same_packages_as_pyproject():
    pip_side = pyproject_requirements()
    conda_side = conda_requirements(load_environment())
    only_pip = sorted(set(pip_side) - set(conda_side))
    only_conda = sorted(set(conda_side) - set(pip_side))
    assert not (only_pip or only_conda), (
        f"pyproject.toml and environment.yml list different packages: "
        f"only in pyproject.toml: {only_pip or 'none'}; only in environment.yml: {only_conda or 'none'} "
        f"(if a conda-forge name differs from the PyPI one, add it to CONDA_TO_PIP)"
    )


def test_environment_yml_uses_the_same_lower_bounds_as_pyproject():
    pip_side = pyproject_requirements()
    conda_side = conda_requirements(load_environment())
    differ = {
        name: (pip_side[name] or "any", conda_side[name] or "any")
        for name in sorted(set(pip_side) & set(conda_side))
        if pip_side[name] != conda_side[name]
    }
    assert not differ, (
        "version bounds differ between pyproject.toml and environment.yml "
        f"(name: (pyproject, environment.yml)): {differ}"
    )


def test_environment_yml_pins_python_311_on_conda_forge():
    env = load_environment()
    assert env.get("name") == "nn-companion", f"expected name: nn-companion, got {env.get('name')!r}"
    channels = env.get("channels") or []
    assert "conda-forge" in channels, f"expected the conda-forge channel, got channels {channels}"
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and split_spec(d)[0] == "python"]
    assert [p.replace(" ", "") for p in pythons] == ["python=3.11"], (
        f"expected exactly one 'python=3.11' in environment.yml, got {pythons}"
    )


def test_environment_yml_installs_nnlib_from_the_repository():
    env = load_environment()
    conda_names = {split_spec(d)[0] for d in env["dependencies"] if isinstance(d, str)}
    assert "pip" in conda_names, "environment.yml must list 'pip' before its 'pip:' section"
    pip_lines = [re.sub(r"\s+", " ", line) for line in conda_pip_section(env)]
    assert "-e ." in pip_lines, f"expected '-e .' under pip: in environment.yml, got {pip_lines}"


def test_constraints_pin_every_dependency_exactly():
    pins = constraint_pins()
    loose = sorted(line for line in pins.values() if not re.fullmatch(r"[A-Za-z0-9._-]+==[^=<>!~,;\s]+", line))
    assert not loose, f"constraints.txt lines that are not 'name==version': {loose}"
    missing = sorted(set(pyproject_requirements()) - set(pins))
    assert not missing, f"dependencies of pyproject.toml with no pin in constraints.txt (run 'make pins'): {missing}"
    assert "nnlib" not in pins, "constraints.txt must not pin nnlib itself (freeze with --exclude-editable)"


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("numpy>=1.24", ("numpy", ">=1.24")),
        ("PyYAML == 6.0.3", ("pyyaml", "==6.0.3")),
        ("jupyter_core", ("jupyter-core", "")),
        ("conda-forge::scipy>=1.10", ("scipy", ">=1.10")),
        ("nbval[extra]>=0.10; python_version>'3'", ("nbval", ">=0.10")),
    ],
)
def test_split_spec_reads_pip_and_conda_forms(spec, expected):
    assert split_spec(spec) == expected
