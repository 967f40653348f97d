"""Runs a command inside a real pseudo-terminal and answers its prompt, the way a person would.

usage: python3 pty-drive.py PROMPT ANSWER -- COMMAND...
  PROMPT  text to wait for in the terminal output ('' = do not wait)
  ANSWER  'eof' sends Ctrl-D (end of input), 'sigint' sends Ctrl-C, anything else is typed + Enter
Prints one JSON line {"code": N, "signal": N|null, "output": "..."} with everything the terminal
showed. Only python3's standard library (pty, os, select) is used.
"""
import json
import os
import pty
import select
import sys
import time

prompt, answer = sys.argv[1], sys.argv[2]
cmd = sys.argv[sys.argv.index('--') + 1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

output = b''
answered = prompt == '' and answer == ''
deadline = time.time() + 60
while time.time() < deadline:
    if not answered and prompt.encode() in output:
        if answer == 'eof':
            os.write(fd, b'\x04')
        elif answer == 'sigint':
            os.write(fd, b'\x03')
        else:
            os.write(fd, answer.encode() + b'\r')
        answered = True
    r, _, _ = select.select([fd], [], [], 0.2)
    if fd in r:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
_, status = os.waitpid(pid, 0)
print(json.dumps({
    'code': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    'output': output.decode('utf-8', 'replace'),
}))
