package dev.ladd.platform.worker;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One background thread that does a service's long work off the Kafka listeners and the web threads (training a
 * run, scoring a checkpoint, swapping a model): it calls {@link #workOnce()} again at once while that says there
 * may be more, else waits a poll interval or until {@link #wakeUp()}. A failure is logged and retried after a
 * poll interval. On stop it lets the current unit finish ({@link #keepGoing()} turns false so long work can end
 * early), for at most 30 s; it starts after and stops before the web server and the Kafka bindings.
 */
public abstract class BackgroundWorker implements SmartLifecycle {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String threadName;
    private final String switchProperty;
    private final Semaphore wakeUps = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    /**
     * @param threadName     the worker thread's name, e.g. {@code ladd-trainer}
     * @param switchProperty the property that turns it off, named in the log when it is off
     */
    protected BackgroundWorker(String threadName, String switchProperty) {
        this.threadName = threadName;
        this.switchProperty = switchProperty;
    }

    /** Whether this instance runs the worker at all. */
    protected abstract boolean enabled();

    /** How long to wait when there was nothing to do or a unit failed. */
    protected abstract Duration pollInterval();

    /** Does one unit of work; true when there may be more to do right away. */
    protected abstract boolean workOnce() throws Exception;

    /** False once the service is stopping: long work should end at its next safe point. */
    protected final boolean keepGoing() {
        return running;
    }

    /** Ends the current wait early (e.g. when a listener has just recorded new work). */
    public void wakeUp() {
        wakeUps.release();
    }

    @Override
    public void start() {
        if (!enabled()) {
            log.info("{} is off on this instance ({}=false)", threadName, switchProperty);
            return;
        }
        running = true;
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            try {
                if (!workOnce() && !pause()) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("{}: {}; trying again in {}", threadName, e.toString(), pollInterval());
                if (!pause()) {
                    return;
                }
            }
        }
    }

    /** Waits a poll interval or until woken; false if interrupted. */
    private boolean pause() {
        try {
            wakeUps.tryAcquire(pollInterval().toMillis(), TimeUnit.MILLISECONDS);
            wakeUps.drainPermits();
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @Override
    public void stop() {
        running = false;
        wakeUp();
        if (thread != null) {
            try {
                thread.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
