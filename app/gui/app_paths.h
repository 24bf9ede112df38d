// Where the workbench finds its bundled data (presets, examples) at run time.
#pragma once

#include <QString>

namespace tcw::app {

// $TCW_DATA_DIR if set; else <executable>/../share/transcode-workbench/data when it exists;
// else the source tree's data/ (a build that has not been installed). Empty if none exists.
QString dataDirectory();

// The bundled example workspace (data/examples/example.tcw); it may not exist yet.
QString exampleWorkspacePath();

// data/presets.
QString presetDirectory();

} // namespace tcw::app
