"""Tools that run only on a developer's machine or in CI: the ECS OpenAPI
emulator, the local FC2 runtime, packaging and the demo. Never deployed."""
