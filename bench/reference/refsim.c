/*
 * qplane native reference simulator (bench/reference/refsim.c)
 *
 * A deliberately plain, single-threaded C99 statevector simulator. `npm run bench:sim`
 * compiles it with `gcc -O3 -march=native` and runs it next to qplane's TypeScript
 * simulator, so the table shows how close qplane gets to a tight native loop on the
 * same machine.
 *
 * Workload (identical to bench/sim.ts): for n in {4, 8, 12, 16, 20} qubits, starting
 * from |0...0>, apply LAYERS = 4 layers of
 *   1. RY(x_q) on every qubit q (data encoding), x_q = 0.1*q + rep*1e-6,
 *   2. RY(0.3 + q) then RZ(0.7 - q) on every qubit q (trainable weights),
 *   3. a CNOT chain: CX(q -> q+1) for q = 0 .. n-2,
 * i.e. LAYERS * (3n + n - 1) gates. `rep` numbers the repetitions, so each circuit
 * gets slightly different inputs, as the batches in bench/sim.ts do.
 *
 * Conventions follow Qiskit: qubit q is bit q of the basis-state index (little-endian),
 * RY(t) = [[cos t/2, -sin t/2], [sin t/2, cos t/2]], RZ(t) = diag(e^{-it/2}, e^{+it/2}).
 * Every gate is applied in place to one array of amplitudes.
 *
 * Output: one line per qubit count, which bench/sim.ts parses:
 *   n=<n> gates=<g>  <t> us/circuit  <c> ns/(gate*amp)  (chk <p>)
 * where t is the mean wall time of one circuit, c = t / (gates * 2^n), and p is the
 * mean probability of |0...0> (a checksum that also keeps the work observable).
 * The program takes no command-line arguments.
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c99 */

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { LAYERS = 4 };

/* One complex amplitude; the state is stored as an interleaved array of these. */
typedef struct {
    double re;
    double im;
} amplitude;

typedef struct {
    unsigned qubits;
    size_t dim; /* 2^qubits */
    amplitude *amp;
} statevector;

/* Monotonic wall-clock time in seconds. */
static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int statevector_init(statevector *sv, unsigned qubits)
{
    sv->qubits = qubits;
    sv->dim = (size_t)1 << qubits;
    sv->amp = malloc(sv->dim * sizeof *sv->amp);
    return sv->amp != NULL;
}

static void statevector_free(statevector *sv)
{
    free(sv->amp);
    sv->amp = NULL;
}

/* Set the state to |0...0>. */
static void statevector_reset(statevector *sv)
{
    for (size_t i = 0; i < sv->dim; i++) {
        sv->amp[i].re = 0.0;
        sv->amp[i].im = 0.0;
    }
    sv->amp[0].re = 1.0;
}

/*
 * Single-qubit gates visit the basis states in pairs (i, i + 2^q) that differ only in
 * bit q: the outer loop steps over blocks of 2^(q+1) states, the inner loop over the
 * 2^q states of a block whose bit q is 0.
 */

/* RY(theta) on qubit q: a real rotation mixing each pair. */
static void apply_ry(statevector *sv, unsigned q, double theta)
{
    const size_t half = (size_t)1 << q;
    const double c = cos(0.5 * theta);
    const double s = sin(0.5 * theta);
    amplitude *a = sv->amp;

    for (size_t block = 0; block < sv->dim; block += 2 * half) {
        for (size_t i = block; i < block + half; i++) {
            const amplitude lo = a[i];
            const amplitude hi = a[i + half];
            a[i].re = c * lo.re - s * hi.re;
            a[i].im = c * lo.im - s * hi.im;
            a[i + half].re = s * lo.re + c * hi.re;
            a[i + half].im = s * lo.im + c * hi.im;
        }
    }
}

/* RZ(theta) on qubit q: diagonal, so each amplitude only picks up a phase,
   e^{-i theta/2} when bit q is 0 and e^{+i theta/2} when it is 1. */
static void apply_rz(statevector *sv, unsigned q, double theta)
{
    const size_t half = (size_t)1 << q;
    const double c = cos(0.5 * theta);
    const double s = sin(0.5 * theta);
    amplitude *a = sv->amp;

    for (size_t block = 0; block < sv->dim; block += 2 * half) {
        for (size_t i = block; i < block + half; i++) {
            /* (re + i im)(c - i s) */
            const amplitude lo = a[i];
            a[i].re = c * lo.re + s * lo.im;
            a[i].im = c * lo.im - s * lo.re;
        }
        for (size_t i = block + half; i < block + 2 * half; i++) {
            /* (re + i im)(c + i s) */
            const amplitude hi = a[i];
            a[i].re = c * hi.re - s * hi.im;
            a[i].im = c * hi.im + s * hi.re;
        }
    }
}

/* Spread the bits of k apart so that bit position `pos` of the result is 0. */
static size_t insert_zero_bit(size_t k, unsigned pos)
{
    const size_t low = k & (((size_t)1 << pos) - 1);
    return ((k >> pos) << (pos + 1)) | low;
}

/* CX with the given control and target: wherever the control bit is 1, swap the
   amplitudes whose target bit is 0 and 1. Only those dim/4 pairs are visited. */
static void apply_cx(statevector *sv, unsigned control, unsigned target)
{
    const unsigned lower = control < target ? control : target;
    const unsigned upper = control < target ? target : control;
    const size_t control_bit = (size_t)1 << control;
    const size_t target_bit = (size_t)1 << target;
    const size_t pairs = sv->dim >> 2;
    amplitude *a = sv->amp;

    for (size_t k = 0; k < pairs; k++) {
        const size_t i = insert_zero_bit(insert_zero_bit(k, lower), upper) | control_bit;
        const size_t j = i | target_bit;
        const amplitude tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
    }
}

/* One circuit of the workload, for repetition number `rep` (which shifts the inputs). */
static void run_workload(statevector *sv, long rep)
{
    const unsigned n = sv->qubits;

    statevector_reset(sv);
    for (int layer = 0; layer < LAYERS; layer++) {
        for (unsigned q = 0; q < n; q++)
            apply_ry(sv, q, 0.1 * q + (double)rep * 1e-6);
        for (unsigned q = 0; q < n; q++) {
            apply_ry(sv, q, 0.3 + q);
            apply_rz(sv, q, 0.7 - q);
        }
        for (unsigned q = 0; q + 1 < n; q++)
            apply_cx(sv, q, q + 1);
    }
}

/* Gates in one circuit of the workload, counted before any fusion. */
static int workload_gates(unsigned n)
{
    return LAYERS * (3 * (int)n + (int)n - 1);
}

/* Repetitions per size: enough for a stable mean, few enough to finish in seconds. */
static long repetitions_for(unsigned n)
{
    if (n <= 8)
        return 200000;
    if (n <= 12)
        return 2000;
    if (n <= 16)
        return 50;
    return 3;
}

int main(void)
{
    static const unsigned sizes[] = {4, 8, 12, 16, 20};
    const size_t count = sizeof sizes / sizeof sizes[0];

    for (size_t s = 0; s < count; s++) {
        const unsigned n = sizes[s];
        const long reps = repetitions_for(n);
        statevector sv;
        double p_zero_sum = 0.0;

        if (!statevector_init(&sv, n)) {
            fprintf(stderr, "refsim: cannot allocate %u-qubit state\n", n);
            return 1;
        }

        const double start = seconds_now();
        for (long rep = 0; rep < reps; rep++) {
            run_workload(&sv, rep);
            p_zero_sum += sv.amp[0].re * sv.amp[0].re + sv.amp[0].im * sv.amp[0].im;
        }
        const double per_circuit = (seconds_now() - start) / (double)reps;

        const int gates = workload_gates(n);
        printf("n=%2u gates=%3d  %10.2f us/circuit  %6.3f ns/(gate*amp)  (chk %.3f)\n", n,
               gates, per_circuit * 1e6, per_circuit * 1e9 / ((double)gates * (double)sv.dim),
               p_zero_sum / (double)reps);
        statevector_free(&sv);
    }
    return 0;
}
