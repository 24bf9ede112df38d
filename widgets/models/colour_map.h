// Colour scales for the explorer's plots: viridis (perceptually uniform, readable by the
// common forms of colour blindness and in greyscale print) over a value range, linear or
// logarithmic, and the fixed colours every chart shares for objectives, phases and status.
#pragma once

#include <QColor>
#include <QPalette>
#include <QRgb>

#include <array>

namespace tcw::models {

// viridis at t in [0, 1] (clamped); t = 0 is dark purple, t = 1 yellow.
QRgb viridis(double t);

// Maps values in [lo, hi] to viridis through a 256-entry table; NaN maps to the missing colour.
class ColourScale {
public:
    ColourScale();
    void setRange(double lo, double hi, bool logarithmic);
    double lo() const { return m_lo; }
    double hi() const { return m_hi; }
    bool logarithmic() const { return m_log; }

    double position(double value) const; // 0…1 along the bar; NaN for NaN or non-positive on a log scale
    QRgb colour(double value) const;
    // Where along viridis the lowest value sits: 0 (dark purple) by default; on a dark plot
    // background a floor keeps the darkest points visible. The colour bar follows (unitColour).
    void setFloor(double floor);
    double floor() const { return m_floor; }
    QRgb unitColour(double position) const; // the colour at 0…1 along the bar

    static QRgb missingColour() { return qRgb(160, 160, 160); }

private:
    std::array<QRgb, 256> m_table;
    double m_lo = 0, m_hi = 1;
    bool m_log = false;
    double m_floor = 0;
};

// Chart colours shared by every view (GUI.md: one colour per objective and per phase, across
// all charts), from the Okabe–Ito palette, which stays distinct for colour-blind readers.
namespace palette {
QColor forward();                       // blue
QColor backward();                      // vermillion
QColor update();                        // bluish green
QColor front();                         // the front's step line and outline: near black
QColor front(const QColor& background); // near black, or near white on a dark background
bool isDark(const QColor& background);
// The Fusion style's dark palette (--theme dark).
QPalette dark();
QColor selection();       // orange
QColor whatIfJoins();     // bluish green: the edited design would join the front
QColor whatIfDominated(); // vermillion: it would be dominated
QColor constraint();      // reddish purple
QColor series(int index); // the i-th of 8 categorical colours
} // namespace palette

} // namespace tcw::models
