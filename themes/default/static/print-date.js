// A printed profile says when it was printed: the print footer's date (the
// build's date in the HTML, so output stays the same from build to build)
// becomes today's date on load and again just before printing.
(() => {
  const el = document.querySelector('time.print-date');
  if (!el) return;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
    'August', 'September', 'October', 'November', 'December'];
  const pad = n => String(n).padStart(2, '0');
  const set = () => {
    const d = new Date();
    const y = d.getFullYear(), m = d.getMonth(), day = d.getDate();
    el.dateTime = `${y}-${pad(m + 1)}-${pad(day)}`;
    el.textContent = document.documentElement.lang === 'ja'
      ? `${y}年${m + 1}月${day}日(${'日月火水木金土'[d.getDay()]})`
      : `${day} ${months[m]} ${y}`;
  };
  set();
  addEventListener('beforeprint', set);
})();
