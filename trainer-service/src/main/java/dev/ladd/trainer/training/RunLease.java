package dev.ladd.trainer.training;

import dev.ladd.platform.db.AdvisoryLocks;
import dev.ladd.trainer.run.RunRepository;

import java.sql.SQLException;

/**
 * This trainer's hold on one run (docs/adr/018): the run's advisory lock, which keeps other trainers from starting it,
 * and the fencing epoch taken with the lock, which keeps a trainer that lost the lock without knowing it (PostgreSQL
 * restarted, the lock's connection was cut) from writing to the run after another took it. Every transaction that
 * writes to the run calls {@link #verify()} first.
 */
final class RunLease implements AutoCloseable {

    /** This trainer no longer holds the run: it must stop without writing anything more to it. */
    static final class LostException extends RuntimeException {
        LostException(String message) {
            super(message);
        }
    }

    private final RunRepository runs;
    private final String runId;
    private final AdvisoryLocks.Held lock;
    private final long epoch;

    private RunLease(RunRepository runs, String runId, AdvisoryLocks.Held lock, long epoch) {
        this.runs = runs;
        this.runId = runId;
        this.lock = lock;
        this.epoch = epoch;
    }

    /** Starts a lease under a just-taken lock: a new epoch, so that whoever held the run before can write no more. */
    static RunLease take(RunRepository runs, String runId, AdvisoryLocks.Held lock) throws SQLException {
        try {
            return new RunLease(runs, runId, lock, runs.takeLease(runId));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    String runId() {
        return runId;
    }

    long epoch() {
        return epoch;
    }

    /**
     * Throws {@link LostException} unless this trainer still holds the run: the lock's session is alive and holds the
     * lock, and no trainer has taken a newer lease. Call first in each transaction that writes to the run: the check
     * locks the run's row, so no newer lease can be taken before that transaction ends.
     */
    void verify() {
        if (!lock.stillHeld()) {
            throw new LostException("its lock was lost: the lock's database session ended (PostgreSQL restarted or the "
                    + "connection was cut)");
        }
        if (!runs.holdsLease(runId, epoch)) {
            throw new LostException("another trainer has taken it (its lease epoch is past " + epoch + ")");
        }
    }

    @Override
    public void close() throws SQLException {
        lock.close();
    }
}
