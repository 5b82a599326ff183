"""Handler whose import fails, as a module with a bad dependency would."""

raise ImportError("no module named missing_dependency")


def handler(event, context):
    return "never reached"
