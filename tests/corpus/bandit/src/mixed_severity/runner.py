import subprocess

PASSWORD = "hunter2"


def run(cmd):
    return subprocess.call(cmd, shell=True)
