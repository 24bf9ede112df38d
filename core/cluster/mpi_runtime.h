// MPI for the CLI: whether this process was started by mpirun (or srun), and byte messages
// between ranks. Sends never block (each is kept until MPI has it), receives are polled, so
// two ranks sending large messages to each other cannot deadlock and an idle rank sleeps
// instead of spinning. Every call must come from one thread at a time (MPI_THREAD_SERIALIZED).
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>

namespace tcw::cluster {

// True when the environment says an MPI launcher started this process with more than one
// rank (OpenMPI's OMPI_COMM_WORLD_SIZE, PMIx / Slurm's PMI_SIZE): the command then runs
// distributed; otherwise it runs alone and MPI is never initialised.
bool launchedWithRanks();

struct Message {
    int source = 0;
    int tag = 0;
    std::string bytes;
};

class Mpi {
public:
    // MPI_Init_thread (serialised); throws std::runtime_error when MPI cannot start.
    Mpi();
    ~Mpi(); // completes pending sends, then MPI_Finalize
    Mpi(const Mpi&) = delete;
    Mpi& operator=(const Mpi&) = delete;

    int rank() const { return m_rank; }
    int size() const { return m_size; }
    const std::string& host() const { return m_host; }

    void send(int destination, int tag, std::string bytes);
    // The next message that has arrived (any source and tag), or none.
    std::optional<Message> poll(int source = -1); // -1: any source
    // Waits (sleeping between polls) for the next message, from anyone or from `source`.
    Message wait();
    Message waitFrom(int source);
    // Completes what can be completed of the sends; true when none is left.
    bool progress();
    // Ends every rank of the job at once (after a fatal error on one).
    [[noreturn]] void abort(int code);

private:
    struct PendingSend;
    int m_rank = 0, m_size = 1;
    std::string m_host;
    std::deque<std::unique_ptr<PendingSend>> m_sends;
};

} // namespace tcw::cluster
