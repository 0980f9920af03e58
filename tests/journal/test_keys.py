"""Ensure the machine key comes from the OS keystore when there is one, else a private file."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend

from counter_app.journal import Journal, KeyStoreError
from counter_app.journal import keys
from helpers.journals import key_file


class MemoryKeyring(KeyringBackend):
    """A keystore in memory, standing in for Windows Credential Manager / Secret Service."""

    priority = 10

    def __init__(self):
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        self.items.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_keyring_store_keeps_the_key_out_of_the_data_dir(data_dir, memory_keyring):
    with Journal.open(data_dir, key_store="keyring") as journal:
        journal.append("k", {"x": 1}, operator="op")
    assert not (data_dir / "keys").exists()
    assert len(memory_keyring.items) == 1
    (service, user), value = next(iter(memory_keyring.items.items()))
    assert service == "counter-app" and user.startswith("journal-key:")
    assert value.startswith("anchored:") and len(value) == len("anchored:") + 64
    with Journal.open(data_dir, key_store="keyring") as journal:
        assert journal.head()[0] == 1


def test_a_journal_whose_keyring_entry_is_gone_does_not_open(data_dir, memory_keyring):
    Journal.open(data_dir, key_store="keyring").close()
    memory_keyring.items.clear()
    with pytest.raises(KeyStoreError, match="密钥库"):
        Journal.open(data_dir, key_store="keyring")


def test_auto_prefers_a_real_keystore(data_dir, memory_keyring, monkeypatch):
    monkeypatch.setattr(keys, "keyring_usable", lambda: True)
    keys.load_or_create(data_dir, "auto")
    assert memory_keyring.items and not (data_dir / "keys").exists()
    monkeypatch.setattr(keys, "keyring_usable", lambda: False)
    other = data_dir / "other"
    keys.load_or_create(other, "auto")
    assert key_file(other).exists() and not (other / "keys").exists()


def test_the_fail_backend_is_not_a_keystore(monkeypatch):
    from keyring.backends import fail
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert keys.keyring_usable() is False


def test_subkeys_differ_and_are_stable():
    key = keys.MachineKey(bytes(32))
    assert len({key.sqlcipher_key, key.attachment_key, key.attachment_name_key}) == 3
    assert key.sqlcipher_key == keys.MachineKey(bytes(32)).sqlcipher_key


def test_a_keystore_key_from_before_the_anchor_is_adopted(data_dir, memory_keyring):
    """Earlier versions stored the bare key in the keystore and had no anchor: the first
    opening seals one and marks the key, after which a removed anchor is refused."""
    from counter_app.journal import JournalSwappedError

    where = keys.place(data_dir, "keyring")
    key = keys.MachineKey.generate()
    memory_keyring.set_password("counter-app", where.keyring_user, key.master.hex())
    with Journal(data_dir / "journal.db", key, data_dir / "attachments") as old:
        old.append("k", {"x": 1}, operator="op")
    with Journal.open(data_dir, key_store="keyring") as journal:
        assert journal.head()[0] == 1
    assert memory_keyring.get_password("counter-app", where.keyring_user) == \
        "anchored:" + key.master.hex()
    assert where.anchor_file.exists()
    where.anchor_file.unlink()
    with pytest.raises(JournalSwappedError, match="保护记录"):
        Journal.open(data_dir, key_store="keyring")


def test_a_migration_cut_short_finishes_and_a_foreign_key_file_is_refused(data_dir):
    """The key is written to the key dir before the data dir's copy is removed: both equal
    means the removal was cut short; different keys mean someone put one there."""
    with Journal.open(data_dir, key_store="file") as journal:
        journal.append("k", {}, operator="op")
    legacy = data_dir / "keys" / "machine.key"
    keys.write_key_file(legacy, keys.load_or_create(data_dir, "file", create=False))
    Journal.open(data_dir, key_store="file").close()
    assert not legacy.exists()
    keys.write_key_file(legacy, keys.MachineKey.generate())
    with pytest.raises(KeyStoreError, match="旧密钥文件"):
        Journal.open(data_dir, key_store="file")
    assert legacy.exists() and key_file(data_dir).exists()


def test_a_key_dir_inside_the_data_dir_is_refused(data_dir):
    with pytest.raises(KeyStoreError, match="位于数据目录之内"):
        Journal.open(data_dir, key_store="file", key_dir=data_dir / "keys")
    assert not (data_dir / "journal.db").exists()
