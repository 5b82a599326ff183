"""Peak resident memory of the current process, read by benchmark children before they exit."""

from __future__ import annotations


def peak_rss_kib() -> int:
    """Return VmHWM from /proc/self/status in KiB: this process's peak RSS since its exec.

    `ru_maxrss` of a child also counts the copy of the parent that `fork` made before the
    exec, so for a small child of a large parent it reports the parent's size. VmHWM
    belongs to the address space that exec created, so it does not. Returns 0 where
    /proc is missing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
