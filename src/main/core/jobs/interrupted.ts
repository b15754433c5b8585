/**
 * Thrown by a job whose work died under it (a worker thread that exited or crashed mid-run): the
 * runner records the job as `interrupted`, not `failed`, so it reads as "stopped, nothing
 * written; run it again" and can be resumed like a job cut off by a closed app.
 */
export class JobInterrupted extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'JobInterrupted'
  }
}
