"""Case file exports in the API: ask for one, follow its progress, download it."""

from console.api.exports import case_files  # noqa: F401  (routes register on import)
