// Colour scales: a polynomial fit of matplotlib's viridis (max error < 1/255 per channel)
// tabulated once per scale.
#include "colour_map.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tcw::models {

QRgb viridis(double t) {
    t = std::clamp(std::isnan(t) ? 0.0 : t, 0.0, 1.0);
    // Degree-6 fit per channel (Matt Zucker's viridis approximation).
    static constexpr double c[7][3] = {
        {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
        {0.1050930431085774, 1.404613529898575, 1.384590162594685},
        {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
        {-4.634230498983486, -5.799100973351585, -19.33244095627987},
        {6.228269936347081, 14.17993336680509, 56.69055260068105},
        {4.776384997670288, -13.74514537774601, -65.35303263337234},
        {-5.435455855934631, 4.645852612178535, 26.3124352495832},
    };
    double rgb[3];
    for (int ch = 0; ch < 3; ++ch) {
        double v = c[6][ch];
        for (int k = 5; k >= 0; --k)
            v = c[k][ch] + t * v;
        rgb[ch] = std::clamp(v, 0.0, 1.0);
    }
    return qRgb(int(std::lround(rgb[0] * 255)), int(std::lround(rgb[1] * 255)), int(std::lround(rgb[2] * 255)));
}

ColourScale::ColourScale() {
    setFloor(0);
}

void ColourScale::setFloor(double floor) {
    m_floor = std::clamp(floor, 0.0, 0.9);
    for (std::size_t i = 0; i < m_table.size(); ++i)
        m_table[i] = unitColour(double(i) / double(m_table.size() - 1));
}

QRgb ColourScale::unitColour(double position) const {
    return viridis(m_floor + (1 - m_floor) * std::clamp(position, 0.0, 1.0));
}

void ColourScale::setRange(double lo, double hi, bool logarithmic) {
    m_log = logarithmic && lo > 0 && hi > 0;
    m_lo = lo;
    m_hi = hi;
}

double ColourScale::position(double value) const {
    if (std::isnan(value) || (m_log && value <= 0))
        return std::numeric_limits<double>::quiet_NaN();
    const double a = m_log ? std::log10(m_lo) : m_lo;
    const double b = m_log ? std::log10(m_hi) : m_hi;
    const double v = m_log ? std::log10(value) : value;
    if (!(b > a))
        return 0.5;
    return std::clamp((v - a) / (b - a), 0.0, 1.0);
}

QRgb ColourScale::colour(double value) const {
    const double p = position(value);
    if (std::isnan(p))
        return missingColour();
    return m_table[std::size_t(std::lround(p * double(m_table.size() - 1)))];
}

namespace palette {
QColor forward() {
    return QColor(0, 114, 178);
}
QColor backward() {
    return QColor(213, 94, 0);
}
QColor update() {
    return QColor(0, 158, 115);
}
QColor front() {
    return QColor(30, 30, 30);
}
QColor front(const QColor& background) {
    return isDark(background) ? QColor(235, 235, 235) : front();
}
bool isDark(const QColor& background) {
    return background.lightnessF() < 0.5;
}
QPalette dark() {
    QPalette p;
    const QColor window(45, 45, 48), base(30, 30, 32), text(225, 225, 225), disabled(128, 128, 128);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 43));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(255, 90, 90));
    p.setColor(QPalette::Light, QColor(70, 70, 74));
    p.setColor(QPalette::Midlight, QColor(58, 58, 62));
    p.setColor(QPalette::Mid, QColor(36, 36, 38));
    p.setColor(QPalette::Dark, QColor(22, 22, 24));
    p.setColor(QPalette::Shadow, Qt::black);
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(86, 180, 233));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    return p;
}
QColor selection() {
    return QColor(230, 159, 0);
}
QColor whatIfJoins() {
    return QColor(0, 158, 115);
}
QColor whatIfDominated() {
    return QColor(213, 94, 0);
}
QColor constraint() {
    return QColor(204, 121, 167);
}
QColor series(int index) {
    static const QColor colours[] = {QColor(0, 114, 178),  QColor(230, 159, 0),  QColor(0, 158, 115),
                                     QColor(213, 94, 0),   QColor(86, 180, 233), QColor(204, 121, 167),
                                     QColor(240, 228, 66), QColor(90, 90, 90)};
    return colours[((index % 8) + 8) % 8];
}
} // namespace palette

} // namespace tcw::models
