"""kpeace hub without a running hub: the roster, passwords, config writer, learners' start-up
and every bad input of `kpeace hub init` (a message, no traceback, nothing half-written)."""

from __future__ import annotations

import asyncio
import json
import socket
import stat
import sys
import types
from pathlib import Path

import pytest
from traitlets.config import Config

from kpeace import cli
from kpeace.hub import HubError
from kpeace.hub.config import ClassSettings, load_settings, render_config, write_class
from kpeace.hub.control import pulse_entries
from kpeace.hub.passwords import check_password, hash_password
from kpeace.hub.roster import read_roster

PASSWORD = "class-password-for-tests"
STUB_PULSE = {
    "services": [
        {"name": "pulse", "url": "http://127.0.0.1:9003", "command": ["x", "pulse", "serve"]}
    ],
    "roles": [{"name": "pulse", "scopes": ["read:users:name"], "services": ["pulse"]}],
    "spawner_environment": {"KPEACE_PULSE_URL": "http://127.0.0.1:9000/services/pulse/"},
    "server_token_scopes": ["access:services!service=pulse"],
}


def _roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- the roster -------------------------------------------------------------------------


def test_roster_reads_the_username_column_in_order(tmp_path):
    path = _roster(tmp_path, "\ufeffFull name, UserName ,email\nAda,ada,a@x\n\n,bo_2,\nCy,c-y,\n")
    assert read_roster(path) == ["ada", "bo_2", "c-y"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nAda,a@x\n", "header with a username column"),
        ("", "header with a username column"),
        ("username,name\nada,Ada\nbo,Bo,extra\n", "line 3: 3 cells, but the header has 2"),
        ("username,name\nada\n", "line 2: 1 cells"),
        ("username\nada\nbo\nada\n", "line 4: ada is already on line 2"),
        ("username\nAda\n", "'Ada' cannot be an account name"),
        ("username\nbo bo\n", "'bo bo' cannot be an account name"),
        ("username\n-x\n", "'-x' cannot be an account name"),
        ("username,name\n,Ada\n", "an empty name cannot be an account name"),
        ("username\n\n\n", "lists no learner"),
    ],
)
def test_roster_problems_are_named(tmp_path, text, message):
    with pytest.raises(HubError, match=None) as caught:
        read_roster(_roster(tmp_path, text))
    assert message in str(caught.value)


def test_missing_roster_is_named(tmp_path):
    with pytest.raises(HubError, match="not found"):
        read_roster(tmp_path / "nope.csv")


# --- passwords --------------------------------------------------------------------------


def test_password_hash_checks_and_hides_the_password():
    stored = hash_password(PASSWORD)
    assert PASSWORD not in stored and stored.startswith("scrypt$")
    assert check_password(PASSWORD, stored)
    assert not check_password(PASSWORD + "x", stored)
    assert hash_password(PASSWORD) != stored  # salted
    assert not check_password(PASSWORD, "garbage")


def test_authenticator_learners_use_the_class_password_the_teacher_their_own(tmp_path):
    from kpeace.hub.auth import HashedSharedPasswordAuthenticator

    teacher_pw = "t" * 32
    hashes = tmp_path / "passwords.json"
    hashes.write_text(
        json.dumps({"class": hash_password(PASSWORD), "teacher": hash_password(teacher_pw)})
    )
    auth = HashedSharedPasswordAuthenticator(password_file=str(hashes), admin_users={"kim"})

    def login(name, password):
        return asyncio.run(auth.authenticate(None, {"username": name, "password": password}))

    assert login("ada", PASSWORD) == {"name": "ada", "admin": False, "groups": []}
    assert login("ada", "wrong-password") is None
    assert login("ada", teacher_pw) is None
    assert login("kim", PASSWORD) is None  # the class password never makes an admin
    assert login("kim", teacher_pw) == {"name": "kim", "admin": True, "groups": []}


# --- the config writer ------------------------------------------------------------------


def _settings(tmp_path: Path, **kw) -> ClassSettings:
    return ClassSettings(
        folder=tmp_path / "class",
        learners=["ada", "bo"],
        teacher="kim",
        hub_python="/hub/bin/python",
        learner_python="/opt/k/bin/python",
        port=9000,
        extra={"node": "/n/node"},
        **kw,
    )


def _load(text: str) -> Config:
    config = Config()
    exec(compile(text, "jupyterhub_config.py", "exec"), {"get_config": lambda: config})
    return config


def test_config_has_the_roster_accounts_services_and_the_pulse(tmp_path):
    settings = _settings(tmp_path)
    text = render_config(settings, STUB_PULSE)
    c = _load(text)
    assert c.JupyterHub.ip == "127.0.0.1" and c.JupyterHub.port == 9000
    assert c.JupyterHub.hub_ip == "127.0.0.1" and c.JupyterHub.hub_port == 9002
    assert c.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:9001"
    assert c.ConfigurableHTTPProxy.command[0] == "/n/node"
    assert c.Authenticator.allowed_users == {"ada", "bo", "kim"}
    assert c.Authenticator.admin_users == {"kim"}
    assert c.JupyterHub.spawner_class == "localprocess"
    assert c.Spawner.cmd == ["/opt/k/bin/python", "-m", "kpeace.cli", "hub", "singleuser"]
    assert c.Spawner.start_timeout >= 180 and c.Spawner.http_timeout >= 120
    hook = c.Spawner.pre_spawn_hook
    for name, port in (("ada", 9010), ("bo", 9011), ("kim", 9012)):
        spawner = types.SimpleNamespace(user=types.SimpleNamespace(name=name), port=0)
        hook(spawner)
        assert spawner.port == port
    env = c.Spawner.environment
    assert env["KPEACE_PULSE_URL"] == STUB_PULSE["spawner_environment"]["KPEACE_PULSE_URL"]
    assert env["KPEACE_DISPLAY"] == "live" and env["PATH"].startswith("/opt/k/bin:")
    assert c.Spawner.server_token_scopes == [
        "users:activity!user",
        "access:servers!server",
        "access:services!service=pulse",
    ]
    names = [s["name"] for s in c.JupyterHub.services]
    assert names == ["idle-culler", "pulse"]
    assert c.JupyterHub.services[0]["command"][:3] == [
        "/hub/bin/python",
        "-m",
        "jupyterhub_idle_culler",
    ]
    assert {r["name"] for r in c.JupyterHub.load_roles} == {"idle-culler", "pulse"}
    assert str(settings.state / "jupyterhub.sqlite") in c.JupyterHub.db_url
    assert PASSWORD not in text and "password_file" in text


def test_config_without_the_pulse_and_with_a_shared_account(tmp_path):
    settings = _settings(tmp_path, shared_account=True)
    text = render_config(settings, None)
    c = _load(text)
    assert [s["name"] for s in c.JupyterHub.services] == ["idle-culler"]
    assert "server_token_scopes" not in c.Spawner
    assert c.JupyterHub.spawner_class == "simple"
    assert c.SimpleLocalProcessSpawner.home_dir_template == f"{settings.folder}/homes/{{username}}"
    assert "NO isolation" in text


def test_pulse_registration_goes_through_hub_entries(tmp_path, monkeypatch):
    calls = []
    stub = types.ModuleType("kpeace.pulse")
    stub.hub_entries = lambda command, db, port: calls.append((command, db, port)) or STUB_PULSE
    monkeypatch.setitem(sys.modules, "kpeace.pulse", stub)
    settings = _settings(tmp_path)
    assert pulse_entries(settings) is STUB_PULSE
    assert calls == [
        (["/hub/bin/python", "-m", "kpeace.cli"], settings.state / "pulse.sqlite", 9003)
    ]


def test_write_class_keeps_secrets_private_and_the_cookie_secret(tmp_path):
    settings = _settings(tmp_path)
    settings.folder.mkdir()
    hashes = {"class": hash_password(PASSWORD), "teacher": hash_password("t" * 32)}
    write_class(settings, render_config(settings), hashes)
    state = settings.state
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    for name in ("passwords.json", "jupyterhub_cookie_secret"):
        assert stat.S_IMODE((state / name).stat().st_mode) == 0o600
    secret = (state / "jupyterhub_cookie_secret").read_text()
    write_class(settings, render_config(settings), hashes)
    assert (state / "jupyterhub_cookie_secret").read_text() == secret
    stored = json.loads((state / "passwords.json").read_text())
    assert check_password(PASSWORD, stored["class"])
    again = load_settings(settings.folder)
    assert again.learners == ["ada", "bo"] and again.pulse_port == 9003


# --- the learners' start-up -------------------------------------------------------------


def test_singleuser_copies_the_series_safely_and_serves_it(tmp_path, monkeypatch):
    from kpeace.hub import singleuser

    monkeypatch.delenv("JUPYTERLAB_SETTINGS_DIR", raising=False)
    dest, log = singleuser.prepare(tmp_path, "kpeace-course")
    assert dest == tmp_path / "kpeace-course"
    assert any(line.startswith("added") and "00_start_here" in line for line in log)
    first = dest / "00_start_here.ipynb"
    first.write_text(first.read_text().replace("kpeace", "kpeace MY EDIT", 1))
    (dest / "01_armistice.ipynb").unlink()
    dest, log = singleuser.prepare(tmp_path, "kpeace-course")
    assert "MY EDIT" in first.read_text()
    assert (dest / "01_armistice.ipynb").is_file()
    settings_dir = Path(singleuser.os.environ["JUPYTERLAB_SETTINGS_DIR"])
    assert settings_dir.is_relative_to(dest) and any(settings_dir.rglob("*.jupyterlab-settings"))
    cmd = singleuser.command(dest, ["--debug"])
    assert cmd[1:3] == ["-m", "jupyterhub.singleuser"]
    assert f"--ServerApp.root_dir={dest}" in cmd and "--debug" in cmd
    assert "--KernelManager.transport=ipc" in cmd  # no TCP port races between kernels


# --- bad inputs of kpeace hub init: a message, exit 1 or 2, nothing written -------------


@pytest.fixture
def init(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KPEACE_HUB_PASSWORD", PASSWORD)
    roster = _roster(tmp_path, "username\nkpu01\nkpu02\n")

    def run(*extra, dest=None, roster_path=roster):
        folder = dest or tmp_path / "class"
        args = ["hub", "init", str(folder), "--roster", str(roster_path), "--teacher", "kputeach"]
        status = cli.main([*args, *extra])
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out + err, folder

    return run


def test_init_missing_roster(init, tmp_path):
    status, text, folder = init(roster_path=tmp_path / "missing.csv")
    assert status == 2 and "not found" in text and not folder.exists()


def test_init_malformed_row_and_duplicate(init, tmp_path):
    status, text, folder = init(roster_path=_roster(tmp_path, "username,x\nkpu01,1,2\n"))
    assert status == 2 and "line 2: 3 cells" in text and not folder.exists()
    status, text, folder = init(roster_path=_roster(tmp_path, "username\nkpu01\nkpu01\n"))
    assert status == 2 and "already on line 2" in text and not folder.exists()


def test_init_short_or_missing_password(init, monkeypatch):
    monkeypatch.setenv("KPEACE_HUB_PASSWORD", "seven77")
    status, text, folder = init()
    assert status == 2 and "at least 8" in text and not folder.exists()
    monkeypatch.delenv("KPEACE_HUB_PASSWORD")
    status, text, folder = init()
    assert status == 2 and "KPEACE_HUB_PASSWORD" in text and not folder.exists()


def test_init_teacher_on_roster_and_bad_teacher_name(init, tmp_path):
    status, text, _ = init(roster_path=_roster(tmp_path, "username\nkputeach\n"))
    assert status == 2 and "also on the roster" in text
    status, text, folder = init("--teacher", "Kim Lee")
    assert status == 2 and "cannot be an account name" in text and not folder.exists()


def _listening_with_free_ports_below():
    from kpeace.hub.control import port_taken

    for _ in range(50):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        if not port_taken("127.0.0.1", port - 1) and not port_taken("127.0.0.1", port - 2):
            return sock, port
        sock.close()
    raise RuntimeError("no port with two free ports below it")


def test_init_port_in_use(init):
    sock, port = _listening_with_free_ports_below()
    with sock:
        status, text, folder = init("--port", str(port))
        assert status == 1 and f"port {port} (the public port) is already in use" in text
        assert not folder.exists()
        status, text, folder = init("--port", str(port - 2))
        assert status == 1 and f"port {port} (the hub: --port + 2)" in text
    status, text, _ = init("--port", "70000")
    assert status == 1 and "between 1 and 65532" in text


def test_init_refuses_a_system_account(init, tmp_path):
    status, text, folder = init(roster_path=_roster(tmp_path, "username\nkpu01\ndaemon\n"))
    assert status == 1 and "daemon is a system account" in text and not folder.exists()


def test_init_dir_not_writable_or_a_file(init, tmp_path):
    status, text, folder = init("--shared-account", dest=Path("/proc/kpeace-hub-class"))
    assert status == 1 and "cannot write to /proc/kpeace-hub-class" in text
    assert not folder.exists()
    afile = tmp_path / "afile"
    afile.write_text("x")
    status, text, _ = init(dest=afile)
    assert status == 2 and "is a file" in text and afile.read_text() == "x"


@pytest.mark.parametrize("step", ["start", "status", "stop"])
def test_steps_on_a_folder_without_a_class(step, tmp_path, capsys):
    assert cli.main(["hub", step, str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "holds no class" in err and "kpeace hub init" in err


def test_readme_gives_the_two_commands_a_teacher_types():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "## A class on one server" in readme
    block = readme.split("<!-- hub-commands -->", 1)[1].split("```bash\n", 1)[1]
    commands = block.split("```", 1)[0].strip().splitlines()
    assert [c.split()[:3] for c in commands] == [
        ["kpeace", "hub", "init"],
        ["kpeace", "hub", "start"],
    ]
    parser = cli.build_parser()
    init = parser.parse_args(commands[0].split()[1:])
    assert init.func is cli._cmd_hub_init and init.teacher and init.roster
    assert parser.parse_args(commands[1].split()[1:]).func is cli._cmd_hub_start


def test_accounts_need_root_or_a_shared_account(monkeypatch):
    from kpeace.hub import accounts

    monkeypatch.setattr(accounts.os, "geteuid", lambda: 1000)
    with pytest.raises(HubError, match=r"only root can create them.*--shared-account"):
        accounts.create_accounts(["kpunobody1"])
    with pytest.raises(HubError, match="root is a system account"):
        accounts.check_accounts(["root"])


def test_init_refuses_a_python_the_learners_cannot_run(init, tmp_path):
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    python = private / "python"
    python.symlink_to(sys.executable)
    status, text, folder = init("--learner-python", str(python))
    assert status == 1 and "the learners' Python cannot serve them" in text, text
    assert "cannot be run by nobody" in text and "--learner-python" in text
    assert not folder.exists()
