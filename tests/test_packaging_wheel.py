"""The built wheel carries the routines and the model manifest, and an installed copy
finds them from outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from voice_guide.paths import PROJECT_ROOT


def test_wheel_ships_routines_and_manifest_and_works_outside_the_repo(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(out), str(PROJECT_ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(out.glob("voice_guide-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "voice_guide/bundled/routines/back-massage.yaml" in names
    assert "voice_guide/bundled/models/manifest.json" in names
    assert not any(n.startswith(("routines/", "models/")) for n in names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The dependencies come from the environment running the tests: its site-packages is
    # added as a plain path (its .pth files, such as the editable install's, are not run).
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], capture_output=True, text=True, check=True).stdout
    Path(site.strip(), "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VOICE_GUIDE_ROUTINES")}
    code = ("import voice_guide, sys; print(voice_guide.__file__); "
            "from voice_guide.cli.main import main; sys.exit(main(sys.argv[1:]))")
    listed = subprocess.run([str(python), "-c", code, "routines", "list"], cwd=elsewhere,
                            env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    where, _, table = listed.stdout.partition("\n")
    assert where.startswith(str(env_dir)), where  # the installed copy, not the checkout
    assert "back-massage" in table
    models = subprocess.run([str(python), "-c", code, "models", "list"], cwd=elsewhere,
                            env=env, capture_output=True, text=True, timeout=120)
    assert models.returncode == 0, models.stderr
    assert "vosk-model-small-en-us-0.15" in models.stdout
