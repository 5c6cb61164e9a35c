import { execFile } from 'child_process'

// What the npm start tests share: the commands npm start prints for the user to paste, and running them as pasted.

/** The commands npm start prints to paste, on the lines after the one introducing them. */
export function pastedCommands(output: string, intro: RegExp): string {
  const lines = output.split('\n')
  const after = lines.slice(lines.findIndex((line) => intro.test(line)) + 1)
  return after
    .slice(
      0,
      after.findIndex((line) => line.trim() === '')
    )
    .map((line) => line.trim())
    .join('\n')
}

/** Runs `script` in bash, as a user pasting it into a terminal would. */
export function bash(script: string): Promise<{ exitCode: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { timeout: 20_000 }, (error, stdout) =>
      resolve({ exitCode: error ? Number(error.code ?? 1) : 0, stdout })
    )
  })
}
