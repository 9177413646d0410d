"""Complete a wheelhouse for every Python the project supports (``make wheelhouse`` runs it after ``pip wheel``).

``pip wheel`` resolves for the Python that runs it, which leaves two holes on an offline machine with another
Python of the supported range (``requires-python`` in pyproject.toml):

* a dependency behind an environment marker that holds only elsewhere is missing: redis needs ``async-timeout`` on
  Python below 3.11.3, so the wheelhouse built on 3.11.7 failed on Debian 12's 3.11.2;
* a wheel with compiled parts is there for this Python's minor version only (cp311).

So this script reads the wheels already in the directory and

1. walks the project's requirements (its dependencies and the extras given) through every wheel's ``Requires-Dist``,
   evaluating each marker for every supported Python — each minor version at its first patch, a late patch, and
   both sides of every ``python_full_version`` a marker names — and downloads what is missing (binary wheels
   only, ``--no-deps``), until nothing is;
2. for every wheel tied to one CPython minor version (``cp311-cp311-…``), downloads the same release for each other
   supported minor version, for this machine's platform.

The wheelhouse stays for one operating system family and CPU architecture, as before; any Python of the supported
range can then install from it with ``pip install --no-index --find-links wheelhouse``. A release missing for some
Python is an error that names it.

Usage: python deploy/wheelhouse.py WHEELHOUSE [EXTRA,…]   (run by the project's venv Python: it needs packaging)
"""

import re
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
FULL_VERSION = re.compile(r"python_full_version\s*[<>=!~]+\s*['\"]([0-9.]+)['\"]")
LATE_PATCH = 99


def supported_minors() -> list[tuple[int, int]]:
    """The CPython minor versions ``requires-python`` admits (3.x only)."""
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    return [
        (3, minor)
        for minor in range(6, 30)
        if any(Version(f"3.{minor}.{p}") in spec for p in (0, LATE_PATCH))
    ]


def project_requirements(extras: list[str]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    rows = list(project["dependencies"])
    for extra in extras:
        rows += project.get("optional-dependencies", {}).get(extra, [])
    return [Requirement(row) for row in rows]


class Wheelhouse:
    def __init__(self, directory: Path):
        self.directory = directory
        self.read()

    def read(self):
        """{name: [(version, tags, requires)]} of the wheels in the directory."""
        self.wheels = {}
        for path in sorted(self.directory.glob("*.whl")):
            name, version, _build, tags = parse_wheel_filename(path.name)
            with zipfile.ZipFile(path) as archive:
                metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
                message = Parser().parsestr(archive.read(metadata).decode("utf-8"))
            requires = [Requirement(row) for row in message.get_all("Requires-Dist") or []]
            self.wheels.setdefault(name, []).append((version, tags, requires))

    def has(self, requirement: Requirement) -> bool:
        found = self.wheels.get(canonicalize_name(requirement.name), [])
        return any(requirement.specifier.contains(version, prereleases=True) for version, _t, _r in found)

    def requires(self, name) -> list[Requirement]:
        rows = []
        for _version, _tags, requires in self.wheels.get(canonicalize_name(name), []):
            rows += [r for r in requires if r not in rows]
        return rows


def environments(house: Wheelhouse, minors) -> list[dict]:
    """Marker environments covering the supported range: each minor at patch 0 and a late patch, and both sides of
    every full version a marker of a wheel names."""
    named = set()
    for rows in house.wheels.values():
        for _version, _tags, requires in rows:
            for requirement in requires:
                named.update(FULL_VERSION.findall(str(requirement.marker or "")))
    versions = set()
    for major, minor in minors:
        versions |= {Version(f"{major}.{minor}.0"), Version(f"{major}.{minor}.{LATE_PATCH}")}
    for text in named:
        version = Version(text)
        micro = version.micro
        if (version.major, version.minor) in minors:
            versions |= {Version(f"{version.major}.{version.minor}.{micro}")}
            if micro:
                versions.add(Version(f"{version.major}.{version.minor}.{micro - 1}"))
    base = default_environment()
    envs = []
    for version in sorted(versions):
        env = dict(base)
        env.update(
            python_version=f"{version.major}.{version.minor}",
            python_full_version=str(version),
            implementation_name="cpython",
            platform_python_implementation="CPython",
        )
        envs.append(env)
    return envs


def holds(requirement: Requirement, env: dict, extras) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**env, "extra": extra}) for extra in (extras or {""}))


def platform_tags() -> list[str]:
    seen = []
    for tag in sys_tags():
        if tag.platform not in seen and tag.platform != "any":
            seen.append(tag.platform)
    return seen


def pip_download(directory: Path, requirement: str, env: dict | None = None) -> None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"]
    command += ["--dest", str(directory)]
    if env is not None:
        major, minor = env["python_version"].split(".")
        command += ["--python-version", env["python_version"], "--implementation", "cp"]
        command += ["--abi", f"cp{major}{minor}", "--abi", "abi3", "--abi", "none"]
        for platform in platform_tags():
            command += ["--platform", platform]
    print(f"  + {requirement}" + (f" (Python {env['python_version']})" if env else ""), flush=True)
    subprocess.run([*command, requirement], check=True)  # noqa: S603 - pip, with requirements read from wheels


def add_marker_dependencies(house: Wheelhouse, envs, extras) -> int:
    """Step 1: what some supported Python needs and the wheelhouse lacks. Returns how many were added."""
    added = 0
    while True:
        missing = {}
        for env in envs:
            seen = set()
            todo = [(r, set()) for r in project_requirements(extras) if holds(r, env, {""})]
            while todo:
                requirement, _from_extras = todo.pop()
                key = (canonicalize_name(requirement.name), frozenset(requirement.extras))
                if key in seen:
                    continue
                seen.add(key)
                if not house.has(requirement):
                    missing.setdefault(str(Requirement(f"{requirement.name}{requirement.specifier}")), env)
                    continue
                for child in house.requires(requirement.name):
                    if holds(child, env, set(requirement.extras) or {""}):
                        todo.append((child, set(requirement.extras)))
        if not missing:
            return added
        for requirement, env in sorted(missing.items()):
            pip_download(house.directory, requirement, env)
            added += 1
        house.read()


def add_other_minors(house: Wheelhouse, minors) -> int:
    """Step 2: the same release of every minor-specific CPython wheel for each other supported minor version."""
    added = 0
    for name, rows in sorted(house.wheels.items()):
        for version, tags, _requires in rows:
            interpreters = {tag.interpreter for tag in tags if tag.abi not in ("abi3", "none")}
            if not interpreters or not all(i.startswith("cp3") for i in interpreters):
                continue
            have = {(int(i[2]), int(i[3:])) for i in interpreters}
            for major, minor in minors:
                if (major, minor) in have:
                    continue
                if any(
                    (int(t.interpreter[2]), int(t.interpreter[3:])) == (major, minor)
                    for _v, other_tags, _r in rows
                    for t in other_tags
                    if t.interpreter.startswith("cp3")
                ):
                    continue
                env = {"python_version": f"{major}.{minor}"}
                pip_download(house.directory, f"{name}=={version}", env)
                added += 1
    return added


def main(argv) -> int:
    directory = Path(argv[1])
    extras = [e for e in (argv[2] if len(argv) > 2 else "").split(",") if e]
    minors = supported_minors()
    house = Wheelhouse(directory)
    print(f"Completing {directory} for Python {', '.join(f'{a}.{b}' for a, b in minors)}", flush=True)
    added = add_marker_dependencies(house, environments(house, minors), extras)
    house.read()
    added += add_other_minors(house, minors)
    print(f"{added} wheels added for the other supported Pythons", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
