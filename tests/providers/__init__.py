import imagechat  # noqa: F401  (sets litellm's offline environment before any test imports litellm)
