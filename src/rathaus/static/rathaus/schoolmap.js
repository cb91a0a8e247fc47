// The school route's maps, enhanced; without this script the page keeps its maps drawn on the
// server, which work on their own (the map to click on then scrolls in its box on small screens).
// With a tile server the maps are put on raster tiles (Leaflet): a click on the tile map fills the
// coordinate fields and sends the form, as a click on the image does. Without one, the map to click
// on is scaled to its box and a click is converted back to the image's own pixels, which the server
// reads as it reads an unscaled click (karte.x, karte.y).
(function () {
  "use strict";

  // The box no longer scrolls: it needs neither the focus nor its name as a scrolling region.
  function notScrolling(box) {
    ["tabindex", "role", "aria-label"].forEach(function (name) {
      box.removeAttribute(name);
    });
  }

  function pickHint(box) {
    notScrolling(box);
    document.getElementById("pick-hint").textContent = box.dataset.hint;
  }

  function scaledPickMap(box) {
    var form = box.closest("form");
    var image = box.querySelector("input[type=image]");
    var click = null;
    pickHint(box);
    box.classList.add("schoolroute-pick--scaled");
    image.addEventListener("click", function (event) {
      // detail is 0 when the keyboard (Enter in a field, or on the map) "clicks": the browser then
      // sends (0, 0), which the server takes as no click, and the typed coordinates count.
      if (event.detail === 0 || !image.clientWidth || !image.clientHeight) {
        return;
      }
      event.preventDefault();
      var frame = image.getBoundingClientRect();
      var x = (event.clientX - frame.left - image.clientLeft) * (Number(image.getAttribute("width")) / image.clientWidth);
      var y = (event.clientY - frame.top - image.clientTop) * (Number(image.getAttribute("height")) / image.clientHeight);
      click = [Math.max(x, 0).toFixed(1), Math.max(y, 0).toFixed(1)];
      form.requestSubmit();
    });
    // Into this submission only (no hidden fields, which a page restored from history would keep).
    form.addEventListener("formdata", function (event) {
      if (click) {
        event.formData.set("karte.x", click[0]);
        event.formData.set("karte.y", click[1]);
        click = null;
      }
    });
  }

  function tileMap(box, label) {
    var element = document.createElement("div");
    element.className = "schoolroute-leaflet";
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", label);
    box.replaceChildren(element);
    var map = L.map(element);
    L.tileLayer(box.dataset.tileUrl, {
      maxZoom: 19,
      attribution: box.dataset.attribution,
    }).addTo(map);
    return map;
  }

  function marker(map, lat, lon, label, className) {
    L.circleMarker([lat, lon], { radius: 8, className: className })
      .addTo(map)
      .bindTooltip(label, { permanent: true, direction: "right" });
  }

  function pickMap(box) {
    var form = box.closest("form");
    var image = box.querySelector("input[type=image]");
    var lat = form.querySelector("[name=lat]");
    var lon = form.querySelector("[name=lon]");
    var numbers = box.dataset.bounds.split(",").map(Number);
    pickHint(box);
    var map = tileMap(box, image.alt);
    map.fitBounds([[numbers[0], numbers[1]], [numbers[2], numbers[3]]]);
    if (box.dataset.picked) {
      var picked = box.dataset.picked.split(",").map(Number);
      marker(map, picked[0], picked[1], box.dataset.pickedLabel, "map-start");
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      form.requestSubmit();
    });
  }

  function routeMap(box) {
    var data = JSON.parse(document.getElementById(box.dataset.map).textContent);
    var svg = box.querySelector("svg");
    var title = svg.querySelector("title").textContent + ". " + svg.querySelector("desc").textContent;
    notScrolling(box);
    var map = tileMap(box, title);
    var line = L.polyline(data.route, { className: "map-route", weight: 5 }).addTo(map);
    marker(map, data.markers[0][0], data.markers[0][1], data.markers[0][2], "map-start");
    marker(map, data.markers[1][0], data.markers[1][1], data.markers[1][2], "map-school");
    map.fitBounds(line.getBounds(), { padding: [30, 30] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") {
      // No tile server: the map drawn on the server, scaled. (If Leaflet failed to load, the
      // hints speak of tiles: the map stays as it is without JavaScript.)
      document.querySelectorAll(".schoolroute-pick:not([data-tile-url])").forEach(scaledPickMap);
      return;
    }
    document.querySelectorAll(".schoolroute-pick[data-tile-url]").forEach(pickMap);
    document.querySelectorAll(".schoolroute-map__scroll[data-tile-url]").forEach(routeMap);
  });
})();
