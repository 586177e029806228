/**
 * `npm run web`: the loopback web shell's entry. It first settles the process's heap flags (which may
 * replace the process, see lean-heap.ts), and only then loads the shell and the core, so a replaced
 * process has not loaded them for nothing.
 */
import { applyLeanHeap } from './lean-heap'

applyLeanHeap()
void import('./shell').then((shell) => shell.main(__dirname))
