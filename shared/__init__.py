"""Library code packaged with every function: configuration, validation, the
ECS client and the installer use cases."""
