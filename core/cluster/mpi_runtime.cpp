// MPI start-up and non-blocking byte messages (see mpi_runtime.h).
#include "mpi_runtime.h"

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace tcw::cluster {

bool launchedWithRanks() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
        if (const char* value = std::getenv(name))
            return std::atoi(value) > 1;
    return false;
}

struct Mpi::PendingSend {
    std::string bytes;
    MPI_Request request = MPI_REQUEST_NULL;
};

Mpi::Mpi() {
    int provided = 0;
    if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS)
        throw std::runtime_error("MPI_Init_thread failed");
    if (provided < MPI_THREAD_SERIALIZED)
        throw std::runtime_error("this MPI library cannot be called from more than one thread "
                                 "(MPI_THREAD_SERIALIZED is needed)");
    MPI_Comm_rank(MPI_COMM_WORLD, &m_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &m_size);
    char name[MPI_MAX_PROCESSOR_NAME] = {};
    int length = 0;
    MPI_Get_processor_name(name, &length);
    m_host.assign(name, static_cast<std::size_t>(length));
}

Mpi::~Mpi() {
    while (!progress())
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    MPI_Finalize();
}

void Mpi::send(int destination, int tag, std::string bytes) {
    auto pending = std::make_unique<PendingSend>();
    pending->bytes = std::move(bytes);
    MPI_Isend(pending->bytes.data(), static_cast<int>(pending->bytes.size()), MPI_BYTE, destination, tag,
              MPI_COMM_WORLD, &pending->request);
    m_sends.push_back(std::move(pending));
    progress();
}

bool Mpi::progress() {
    for (auto it = m_sends.begin(); it != m_sends.end();) {
        int done = 0;
        MPI_Test(&(*it)->request, &done, MPI_STATUS_IGNORE);
        it = done ? m_sends.erase(it) : it + 1;
    }
    return m_sends.empty();
}

std::optional<Message> Mpi::poll(int source) {
    progress();
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(source < 0 ? MPI_ANY_SOURCE : source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    if (!flag)
        return std::nullopt;
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    Message m;
    m.source = status.MPI_SOURCE;
    m.tag = status.MPI_TAG;
    m.bytes.resize(static_cast<std::size_t>(count));
    MPI_Recv(m.bytes.data(), count, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    return m;
}

Message Mpi::wait() {
    return waitFrom(-1);
}

Message Mpi::waitFrom(int source) {
    // A blocking MPI_Recv would spin a core in OpenMPI; a rank waiting for work sleeps instead.
    auto pause = std::chrono::microseconds(50);
    while (true) {
        if (auto m = poll(source))
            return std::move(*m);
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::microseconds(2000));
    }
}

void Mpi::abort(int code) {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::abort();
}

} // namespace tcw::cluster
