from imagechat.errors import scrub


def test_scrub_removes_known_secrets_and_key_shapes() -> None:
    text = "bad key sk-live-abcdef123456 and my-secret-value and key_ABCDEFGH1234"
    out = scrub(text, ["my-secret-value"])
    assert "abcdef123456" not in out
    assert "my-secret-value" not in out
    assert "ABCDEFGH1234" not in out
    assert out.count("********") == 3
