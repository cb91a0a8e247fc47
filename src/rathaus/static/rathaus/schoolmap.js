// The school route's maps on raster tiles (Leaflet), only where a tile server is configured.
// Without this script the page keeps its maps drawn on the server, which work on their own:
// a click on the tile map fills the coordinate fields and sends the form, as a click on the image does.
(function () {
  "use strict";

  function tileMap(box, label) {
    var element = document.createElement("div");
    element.className = "schoolroute-leaflet";
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", label);
    box.replaceChildren(element);
    var map = L.map(element);
    L.tileLayer(box.dataset.tileUrl, {
      maxZoom: 19,
      attribution: "© OpenStreetMap-Mitwirkende",
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
    var map = tileMap(box, image.alt);
    document.getElementById("pick-hint").textContent = box.dataset.hint;
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
    var map = tileMap(box, title);
    var line = L.polyline(data.route, { className: "map-route", weight: 5 }).addTo(map);
    marker(map, data.markers[0][0], data.markers[0][1], data.markers[0][2], "map-start");
    marker(map, data.markers[1][0], data.markers[1][1], data.markers[1][2], "map-school");
    map.fitBounds(line.getBounds(), { padding: [30, 30] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll(".schoolroute-pick[data-tile-url]").forEach(pickMap);
    document.querySelectorAll(".schoolroute-map__scroll[data-tile-url]").forEach(routeMap);
  });
})();
